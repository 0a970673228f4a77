import MCPBroker
import NIOCore
import NIOPosix
import Testing

/// An alarm's wait ends when rung, when its time limit passes or when its task is cancelled,
/// on an event loop (a timer there) as off it (a sleeping child task).
@Suite("Alarm")
struct AlarmTests {
    /// Runs the waits on one of SwiftNIO's event loops, as the gateway and worker run their tasks.
    private actor OnLoop {
        let loop: any EventLoop
        init(_ loop: any EventLoop) { self.loop = loop }
        nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }

        func wait(_ alarm: Alarm, atMost limit: Duration) async -> Bool {
            #expect(MultiThreadedEventLoopGroup.currentEventLoop != nil)
            await alarm.wait(atMost: limit)
            return true
        }
    }

    private static func check(onLoop: Bool) async throws {
        let clock = ContinuousClock()
        let actor = OnLoop(MultiThreadedEventLoopGroup.singleton.any())
        let wait: @Sendable (Alarm, Duration) async -> Void = { alarm, limit in
            if onLoop { _ = await actor.wait(alarm, atMost: limit) } else { await alarm.wait(atMost: limit) }
        }

        // The time limit ends a wait nobody rings.
        let alarm = Alarm()
        let started = clock.now
        await wait(alarm, .milliseconds(200))
        #expect(clock.now - started >= .milliseconds(200))

        // A ring ends a long wait (rung while it waits or just before: a ring is kept for the next wait).
        let ringing = Task { await wait(alarm, .seconds(600)) }
        alarm.ring()
        await ringing.value
        #expect(clock.now - started < .seconds(60))

        // Cancelling its task ends a wait, and the alarm serves the next one.
        let cancelled = Task { await wait(alarm, .seconds(600)) }
        cancelled.cancel()
        await cancelled.value
        let next = clock.now
        await wait(alarm, .milliseconds(100))
        #expect(clock.now - next >= .milliseconds(100))
        #expect(clock.now - started < .seconds(60))
    }

    @Test(.timeLimit(.minutes(1))) func onAnEventLoop() async throws { try await Self.check(onLoop: true) }
    @Test(.timeLimit(.minutes(1))) func offTheEventLoops() async throws { try await Self.check(onLoop: false) }
}
