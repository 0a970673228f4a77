import Foundation

/// Makes sure SIGTERM and SIGINT (and the signals ``SignalWatcher`` handles) can
/// reach the process. A parent may start us with them blocked (blocked masks
/// survive exec; Swift test runners and some supervisors do this), and then
/// graceful shutdown would never begin.
public enum SignalMask {
    /// Unblocks SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2 on the calling (main) thread; call first thing in `main`.
    public static func unblockTermination() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        for signal in [SIGHUP, SIGUSR1, SIGUSR2] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
