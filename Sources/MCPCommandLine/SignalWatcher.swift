import Logging
import ServiceLifecycle
import UnixSignals

/// The signals a server process handles besides SIGTERM and SIGINT (which its
/// `ServiceGroup` turns into a graceful shutdown): SIGHUP (sent when the terminal
/// closes) shuts it down gracefully as SIGTERM does, and SIGUSR1 and SIGUSR2 are
/// ignored; each is logged. Without it, their default action kills the process at
/// once: no log line, no drain.
///
/// Run it first in the group with ``configuration(logger:)``: it returns on SIGHUP,
/// and its return shuts the group down gracefully.
public struct SignalWatcher: Service {
    /// The signals that shut the process down gracefully, as SIGTERM does.
    public static let shutdownSignals: [UnixSignal] = [.sighup]
    /// The signals that are logged and otherwise ignored.
    public static let ignoredSignals: [UnixSignal] = [.sigusr1, .sigusr2]

    private let logger: Logger

    /// A watcher that logs to `logger`.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// The watcher as a member of a `ServiceGroup`: its return (on SIGHUP) shuts the group down gracefully.
    public static func configuration(logger: Logger) -> ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: SignalWatcher(logger: logger), successTerminationBehavior: .gracefullyShutdownGroup)
    }

    /// Waits for the signals; returns on SIGHUP, or when the group shuts down.
    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: Self.shutdownSignals + Self.ignoredSignals)
        for await signal in signals.cancelOnGracefulShutdown() {
            if Self.shutdownSignals.contains(signal) {
                logger.notice("received \(signal): shutting down gracefully, as on SIGTERM")
                return
            }
            logger.notice("received \(signal): ignored")
        }
    }
}
