import CHiredis
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
///
/// This is what SwiftNIO's `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()`
/// does, except that it finds the runtime's hook through the C shim instead of
/// `dlsym`, which cannot see it in a binary linked with `--static-swift-stdlib`.
public enum EventLoopExecutor {
    /// The runtime's hook type: a job and the runtime's own enqueue function.
    private typealias EnqueueHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Installs the event loops as the global executor; call once, before any task starts.
    /// Returns false if another hook was installed already (it is left in place).
    public static func install() -> Bool {
        let hook = chiredis_global_enqueue_hook()
        guard let hook, hook.pointee == nil else { return false }
        return withUnsafeTemporaryAllocation(of: EnqueueHook.self, capacity: 1) { storage -> Bool in
            guard let slot = storage.baseAddress else { return false }
            // A job enqueued from a loop stays on it (`any()` is sticky); from elsewhere it goes to the next loop.
            slot.initialize(to: { job, _ in MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job)) })
            slot.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 1) { hook.pointee = $0.pointee }
            return true
        }
    }
}
