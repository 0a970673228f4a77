import NIOCore
import NIOPosix

/// Runs the process's Swift tasks on SwiftNIO's event loops.
///
/// HTTP (Hummingbird) and Redis (``RedisClient``) I/O already run on
/// `MultiThreadedEventLoopGroup.singleton`. Made Swift's global executor too, a
/// request handler that awaits a Redis reply resumes on the loop that read it,
/// so a round trip costs no switch between the loops, the cooperative pool and
/// back (issue 12: those switches were a quarter of the gateway's CPU). Code on
/// the global executor must then never block, which is already the rule:
/// CPU-bound tools run on the worker's tool threads.
public enum EventLoopExecutor {
    /// The environment variable that turns it off (`0`); default on.
    public static let environmentVariable = "MCP_TASKS_ON_EVENT_LOOPS"

    /// Installs the event loops as the global executor unless `MCP_TASKS_ON_EVENT_LOOPS=0`;
    /// call once, first thing in `main`. Returns whether they run the tasks now.
    @discardableResult
    public static func installUnlessDisabled(environment: [String: String]) -> Bool {
        if environment[environmentVariable] == "0" { return false }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
