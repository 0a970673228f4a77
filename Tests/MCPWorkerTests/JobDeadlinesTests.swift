@testable import MCPWorker
import Synchronization
import Testing

/// The worker's one timeout loop: deadlines fire in order, a removed one never
/// fires, and an earlier deadline added while the loop sleeps towards a later one wakes it.
@Suite("Job deadlines")
struct JobDeadlinesTests {
    @Test func deadlinesFireOnceAndRemovedOnesNever() async throws {
        let deadlines = JobDeadlines()
        let loop = Task { await deadlines.run() }
        defer { loop.cancel() }
        let fired = Mutex<[String]>([])
        let clock = ContinuousClock()
        _ = deadlines.add(deadline: clock.now + .seconds(3_000)) { fired.withLock { $0.append("late") } }  // the loop sleeps towards this
        let removed = deadlines.add(deadline: clock.now + .milliseconds(30)) { fired.withLock { $0.append("removed") } }
        deadlines.remove(removed)
        _ = deadlines.add(deadline: clock.now + .milliseconds(60)) { fired.withLock { $0.append("second") } }
        _ = deadlines.add(deadline: clock.now + .milliseconds(20)) { fired.withLock { $0.append("first") } }
        let until = clock.now + .seconds(30)
        while fired.withLock({ $0.count }) < 2, clock.now < until { try await Task.sleep(for: .milliseconds(5)) }
        #expect(fired.withLock { $0 } == ["first", "second"])
        #expect(deadlines.count == 1)  // "late" waits
    }
}
