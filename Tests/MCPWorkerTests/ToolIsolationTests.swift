import Logging
import MCPBroker
import MCPTools
import MCPWire
@testable import MCPWorker
import RedisClient
import RedisTestSupport
import Synchronization
import Testing

/// A tool that never checks for cancellation: it spins until the test lets it go
/// (or 60 s pass, so a broken test still ends).
struct SpinTool: Tool {
    static let name = "spin"
    static let description = "Spins, ignoring cancellation."
    static let mode = ToolMode.async
    static var timeout: Duration { .milliseconds(300) }

    let spin: ToolIsolationTests.Spin

    func run(_ arguments: NoArguments, context: ToolContext) async throws -> JSONObject {
        spin.started.withLock { $0 += 1 }
        let deadline = ContinuousClock.now + .seconds(60)
        while !spin.release.withLock({ $0 }), ContinuousClock.now < deadline {}
        return [:]
    }
}

/// Fault 7: a tool's timeout must stop the job even when the tool ignores it,
/// and no tool may stall the worker's own housekeeping.
@Suite("Tools run apart from the worker's housekeeping", .serialized)
struct ToolIsolationTests {
    final class Spin: Sendable {
        let release = Mutex(false)
        let started = Mutex(0)
        var tool: SpinTool { SpinTool(spin: self) }
        func stop() { release.withLock { $0 = true } }
    }

    @Test func aTimeoutEndsTheJobEvenIfTheToolIgnoresCancellation() async throws {
        let spin = Spin()
        defer { spin.stop() }
        try await withRedis { server in
            let broker = Broker(redis: try server.client(), configuration: BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("worker")))
            try await broker.ensureWorkerGroup()
            let envelope = Envelope(requestID: "r1", tsMs: 1, clientID: "c1", serverID: "s", tool: "spin", nonce: "n1")
                .signed(with: HMACKey(secret: Array("k".utf8)))
            _ = try await broker.accept(JobSubmission(
                jobID: JobID.make(), envelopeJSON: String(decoding: envelope.wireBytes(), as: UTF8.self), tool: "spin", mode: "async",
                clientID: "c1", requestID: "r1", nonce: "n1", replyTo: nil))
            let jobs = try await broker.readJobs(using: BrokerReader(try server.client()), consumer: "w1", count: 1, block: .milliseconds(100))
            let job = try #require(jobs.first)
            let deadlines = JobDeadlines()
            let deadlineLoop = Task { await deadlines.run() }
            defer { deadlineLoop.cancel() }
            let runner = JobRunner(
                registry: ToolRegistry([spin.tool]), toolExecutor: ToolThreadPool(threads: 1), broker: broker, deadlines: deadlines, workerID: "w1",
                logger: Logger(label: "test"))
            let clock = ContinuousClock()
            let started = clock.now
            let outcome = await runner.run(job, attempts: 1, control: JobControl(jobID: job.jobID))
            #expect(deadlines.count == 0)  // the job's deadline fired and is gone
            guard case .finished(let completion) = outcome else {
                Issue.record("expected a finished job, got \(outcome)")
                return
            }
            #expect(completion.status == .error)
            #expect(completion.error?.code == "timeout")
            #expect(clock.now - started < .seconds(20))  // bound: not the tool's 60 s spin
            #expect(!spin.release.withLock { $0 })  // the tool was still spinning when the job ended
        }
    }

    @Test func spinningToolsLeaveTheCooperativePoolFree() async throws {
        let spin = Spin()
        defer { spin.stop() }
        let pool = ToolThreadPool(threads: 2)
        let context = ToolContext(jobID: "j", clientID: "c", requestID: "r", logger: Logger(label: "test"))
        let registry = ToolRegistry([spin.tool])
        var spinners: [Task<Void, Never>] = []
        for _ in 0..<4 {  // more spinners than cores and more than the pool's threads
            spinners.append(Task(executorPreference: pool) { _ = try? await registry.run(name: "spin", arguments: [:], context: context) })
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while spin.started.withLock({ $0 }) < 2, clock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(spin.started.withLock { $0 } == 2)  // the pool's two threads are busy
        // Housekeeping-like work on the cooperative pool still runs: 20 short sleeps.
        let housekeeping = Task { () -> Int in
            var beats = 0
            for _ in 0..<20 {
                try? await Task.sleep(for: .milliseconds(10))
                beats += 1
            }
            return beats
        }
        let watchdog = Task { try? await Task.sleep(for: .seconds(20)); spin.stop() }
        let beats = await housekeeping.value
        let finishedBeforeRelease = !spin.release.withLock { $0 }
        spin.stop()
        watchdog.cancel()
        for spinner in spinners { await spinner.value }
        #expect(beats == 20)
        #expect(finishedBeforeRelease)  // it did not need the spinners to stop first
    }
}
