@testable import MCPBroker
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A waiter resumed from another event loop is handed its reply through its
/// own loop; from its own loop, or off the loops, in place. No path may lose it.
@Suite("Parked waiters")
struct ParkedWaiterTests {
    static let reply = JobReply(jobID: "0123456789abcdef0123456789abcdef", status: .done, result: nil, error: nil)

    @Test("resumed from another loop, the reply goes through the waiter's own loop and arrives")
    func resumedFromAnotherLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let home = group.next(), other = group.next()
        #expect(home !== other)
        let chosen = ChosenLoop(nil)
        let reply = await withCheckedContinuation { (continuation: CheckedContinuation<JobReply?, Never>) in
            let waiter = ParkedWaiter(continuation: continuation, home: home)
            other.execute {
                chosen.set(waiter.loopToResumeOn())
                waiter.resume(Self.reply)
            }
        }
        #expect(reply?.jobID == Self.reply.jobID)
        #expect(chosen.get() === home)
        try await group.shutdownGracefully()
    }

    @Test("on its own loop, or with none, the waiter resumes in place, with nil too")
    func resumedInPlace() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let home = group.next()
        let chosen = ChosenLoop(home)
        let reply = await withCheckedContinuation { (continuation: CheckedContinuation<JobReply?, Never>) in
            let waiter = ParkedWaiter(continuation: continuation, home: home)
            home.execute {
                chosen.set(waiter.loopToResumeOn())
                waiter.resume(Self.reply)
            }
        }
        #expect(reply?.status == .done)
        #expect(chosen.get() == nil)
        let none = await withCheckedContinuation { (continuation: CheckedContinuation<JobReply?, Never>) in
            let waiter = ParkedWaiter(continuation: continuation, home: nil)
            #expect(waiter.loopToResumeOn() == nil)
            waiter.resume(nil)
        }
        #expect(none == nil)
        try await group.shutdownGracefully()
    }

    @Test("a reply cancels the waiter's budget timer on its own loop; a timer that fires ends the wait with nil")
    func budgetTimer() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let home = group.next(), other = group.next()
        let cancelled = try await home.submit { home.scheduleTask(in: .hours(1)) {} }.get()
        let reply = await withCheckedContinuation { (continuation: CheckedContinuation<JobReply?, Never>) in
            let waiter = ParkedWaiter(continuation: continuation, home: home, timer: cancelled)
            other.execute { waiter.resume(Self.reply) }
        }
        #expect(reply?.jobID == Self.reply.jobID)
        await #expect(throws: EventLoopError.self) { try await cancelled.futureResult.get() }  // cancelled, not run

        var waiters = ReplyWaiters()
        let timed = waiters.register(jobID: "job-timed"), swept = waiters.register(jobID: "job-swept")
        let ended = await withCheckedContinuation { (continuation: CheckedContinuation<JobReply?, Never>) in
            let timer = home.scheduleTask(in: .milliseconds(1)) {}
            #expect(waiters.park(timed, ParkedWaiter(continuation: continuation, home: home, timer: timer), deadline: nil) == nil)
            #expect(waiters.waiting == 1 && waiters.waitingOnSweeper == 0)  // the sweeper leaves a timed waiter alone
            #expect(waiters.expire(now: ContinuousClock.now.advanced(by: .seconds(3_600))).isEmpty)
            waiters.remove(timed)?.resume(nil)  // what the listener does when the timer fires
        }
        #expect(ended == nil)
        let sweptReply = await withCheckedContinuation { (continuation: CheckedContinuation<JobReply?, Never>) in
            #expect(waiters.park(swept, ParkedWaiter(continuation: continuation, home: nil), deadline: ContinuousClock.now) == nil)
            #expect(waiters.waitingOnSweeper == 1)
            for waiter in waiters.expire(now: ContinuousClock.now.advanced(by: .seconds(1))) { waiter.resume(nil) }
        }
        #expect(sweptReply == nil && waiters.count == 0)
        try await group.shutdownGracefully()
    }
}

/// The loop a test saw chosen, written on one thread and read on another.
private final class ChosenLoop: Sendable {
    private let loop: Mutex<(any EventLoop)?>
    init(_ initial: (any EventLoop)?) { loop = Mutex(initial) }
    func set(_ value: (any EventLoop)?) { loop.withLock { $0 = value } }
    func get() -> (any EventLoop)? { loop.withLock { $0 } }
}
