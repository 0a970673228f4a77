import Foundation

/// The threads tools run on: a `TaskExecutor` of its own, apart from Swift's
/// cooperative pool (one thread per core). A CPU-bound tool, or a tool that
/// blocks, then never delays the worker's own housekeeping (heartbeat, lease
/// renewal, cancellation checks, reading the stream), which stays on the
/// cooperative pool; the kernel shares the cores between both fairly.
final class ToolThreadPool: TaskExecutor, @unchecked Sendable {
    // @unchecked: `queue` and `threadsStarted` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var queue: [UnownedJob] = []
    private var head = 0
    private let threadCount: Int
    private var threadsStarted = false
    private let name: String

    /// Creates a pool of `threads` threads (at least 1), started on first use.
    init(threads: Int, name: String = "mcp-tool") {
        self.threadCount = max(1, threads)
        self.name = name
    }

    /// Queues a job for the next free thread.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        if !threadsStarted {
            threadsStarted = true
            for index in 0 ..< threadCount {
                let thread = Thread { [unowned self] in self.work() }
                thread.name = "\(name)-\(index)"
                thread.start()
            }
        }
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// The executor's identity for `runSynchronously(on:)`.
    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    private func work() {
        while true {
            condition.lock()
            while head == queue.count { condition.wait() }
            let job = queue[head]
            head += 1
            if head == queue.count {  // drained: reuse the storage
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
