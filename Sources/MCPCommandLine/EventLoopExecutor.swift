import NIOCore
import NIOPosix

/// Runs the process's Swift tasks on SwiftNIO's event loops.
///
/// HTTP (Hummingbird) and Redis (`RedisClient`) I/O already run on
/// `MultiThreadedEventLoopGroup.singleton`. Made Swift's global executor too, a
/// request handler that awaits a Redis reply resumes on the loop that read it,
/// so a round trip costs no switch between the loops, the cooperative pool and
/// back (issue 12: those switches were a quarter of the gateway's CPU). Code on
/// the global executor must then never block, which is already the rule:
/// CPU-bound tools run on the worker's tool threads.
public enum EventLoopExecutor {
    /// Installs the event loops as the global executor; call once, before any task starts.
    /// Returns whether they run the tasks now.
    @discardableResult
    public static func install() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
