import Logging
import MCPBroker
import MCPTools
import MCPWire
@testable import MCPWorker
import RedisClient
import RedisTestSupport
import Synchronization
import Testing

/// An inline tool that fails retryably on its first `failures` runs, then succeeds.
struct FlakyInlineTool: Tool {
    static let name = "flaky_inline"
    static let description = "Fails retryably, then succeeds; runs inline."
    static let mode = ToolMode.async
    static let runsInline = true
    static var retryBackoff: Duration { .milliseconds(20) }

    final class Runs: Sendable {
        let count = Mutex(0)
    }

    let runs = Runs()
    let failures: Int

    func run(_ arguments: NoArguments, context: ToolContext) async throws -> JSONObject {
        let run = runs.count.withLock { $0 += 1; return $0 }
        if run <= failures { throw ToolError.failed("flaky run \(run)", retryable: true) }
        return ["run": .string("\(run)"), "attempt": .string("\(context.attempt)")]
    }
}

/// A tool that runs on the tool threads (claimed before it runs).
struct PlainTool: Tool {
    static let name = "plain"
    static let description = "Returns an empty object on the tool threads."
    static let mode = ToolMode.async

    func run(_ arguments: NoArguments, context: ToolContext) async throws -> JSONObject { [:] }
}

/// A worker runs an inline tool's first delivery unclaimed and settles it in one
/// step; a retryable failure claims it first, so the retry path is unchanged.
@Suite("Inline tools run unclaimed and settle")
struct InlineSettleTests {
    static func runWorker(
        _ server: RedisTestServer, prefix: String, tool: FlakyInlineTool, idlePromoteInterval: Duration = .seconds(8),
        readBlock: Duration = .milliseconds(200), lease: Duration = WorkerConfiguration.defaultLease,
        maxDeliveries: Int = WorkerConfiguration.defaultMaxDeliveries, until done: (Broker) async throws -> Bool
    ) async throws {
        var connection = BrokerConnection(redis: try RedisConfiguration(url: server.url))
        connection.commandTimeout = .seconds(2)
        let configuration = WorkerConfiguration(
            redis: connection, broker: BrokerConfiguration(prefix: prefix), concurrency: 4, workerID: "w-inline",
            readBlock: readBlock, lease: lease, maxDeliveries: maxDeliveries, promoteInterval: .milliseconds(50),
            idlePromoteInterval: idlePromoteInterval)
        let worker = Worker(
            configuration: configuration, registry: ToolRegistry([tool, PlainTool()]), logger: Logger(label: "test.worker"))
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        let broker = Broker(redis: try server.client(), configuration: BrokerConfiguration(prefix: prefix))
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while try await !done(broker) {
            guard clock.now < deadline else {
                Issue.record("the job did not end within 20 s")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        running.cancel()
        _ = try? await running.value
    }

    /// A fresh prefix on `server` and a broker on it whose worker group exists.
    static func prepare(_ server: RedisTestServer) async throws -> (prefix: String, broker: Broker) {
        let prefix = RedisTestServer.uniquePrefix("inline")
        let broker = Broker(redis: try server.client(), configuration: BrokerConfiguration(prefix: prefix))
        try await broker.ensureWorkerGroup()
        return (prefix, broker)
    }

    /// Overwrites a job's hash with a string: a poison value any Redis writer can leave.
    static func poison(_ jobID: String, of broker: Broker, through admin: RedisClient) async throws {
        _ = try await admin.send("DEL", broker.keys.job(jobID))
        _ = try await admin.send("SET", broker.keys.job(jobID), "not a hash")
    }

    static func submit(_ broker: Broker, tool: String = FlakyInlineTool.name) async throws -> String {
        let jobID = JobID.make()
        let envelope = Envelope(requestID: "r-\(jobID)", tsMs: 1, clientID: "c1", serverID: "s", tool: tool, nonce: "n-\(jobID)")
            .signed(with: HMACKey(secret: Array("k".utf8)))
        _ = try await broker.accept(JobSubmission(
            jobID: jobID, envelopeJSON: String(decoding: envelope.wireBytes(), as: UTF8.self), tool: tool, mode: "async",
            clientID: "c1", requestID: "r-\(jobID)", nonce: "n-\(jobID)", replyTo: nil))
        return jobID
    }

    /// A poison job key does not stay pending forever: the worker reclaims its own entry
    /// after the lease (it is not running it) and, past `--max-deliveries`, dead-letters it,
    /// leaving the key as it was.
    @Test(arguments: [FlakyInlineTool.name, PlainTool.name])
    func aPoisonJobIsDeadLetteredByItsOwnWorker(tool: String) async throws {
        try await withRedis { server in
            let (prefix, setup) = try await Self.prepare(server)
            let admin = try server.client()
            let poison = try await Self.submit(setup, tool: tool)
            try await Self.poison(poison, of: setup, through: admin)
            try await Self.runWorker(
                server, prefix: prefix, tool: FlakyInlineTool(failures: 0), lease: .milliseconds(500), maxDeliveries: 1
            ) { broker in
                try await admin.send("XLEN", broker.keys.dead(0)).int64 == 1
            }
            let dead = try await admin.send("XRANGE", setup.keys.dead(0), "-", "+")
            let fields = RedisValue.pairs(try #require(dead.array?.first?.array?.last))
            #expect(fields["job_id"]?.string == poison)
            #expect(fields["error_code"]?.string == "dead_letter")
            #expect(try await admin.send("XLEN", setup.keys.stream(0)).int64 == 0)
            #expect(try await admin.xpendingSummary(setup.keys.stream(0), group: "workers").count == 0)
            #expect(try await admin.send("GET", setup.keys.job(poison)).string == "not a hash")
        }
    }

    /// A job hash overwritten with a string (a poison value any Redis writer can leave) makes
    /// Redis refuse that job's claim or settle; the rest of its batch still ends, and the read
    /// sent with the batch is not lost: a job submitted next runs at once, not after a lease.
    @Test(arguments: [FlakyInlineTool.name, PlainTool.name])
    func aPoisonJobHashFailsItsJobAloneAndLosesNoRead(tool: String) async throws {
        try await withRedis { server in
            let (prefix, setup) = try await Self.prepare(server)
            let admin = try server.client()
            let poison = try await Self.submit(setup, tool: tool)
            let first = try await Self.submit(setup, tool: tool)
            try await Self.poison(poison, of: setup, through: admin)
            let clock = ContinuousClock()
            var next: (id: String, at: ContinuousClock.Instant)?
            // A read blocks 3 s here: a read lost with the failed batch would hold the next job until a reclaim (lease 30 s).
            try await Self.runWorker(server, prefix: prefix, tool: FlakyInlineTool(failures: 0), readBlock: .seconds(3)) { broker in
                guard let (id, _) = next else {
                    guard try await broker.job(first)?.status == .done else { return false }
                    next = (try await Self.submit(setup, tool: tool), clock.now)
                    return false
                }
                return try await broker.job(id)?.status == .done
            }
            let (id, submitted) = try #require(next)
            #expect(try await setup.job(id)?.status == .done)
            #expect(clock.now - submitted < .seconds(10), "the job after the poison one waited for a reclaim")
            #expect(try await admin.send("GET", setup.keys.job(poison)).string == "not a hash")  // left as it was
        }
    }

    @Test func aFirstRunIsSettledAsOneAttempt() async throws {
        try await withRedis { server in
            let (prefix, setup) = try await Self.prepare(server)
            let jobID = try await Self.submit(setup)
            let tool = FlakyInlineTool(failures: 0)
            try await Self.runWorker(server, prefix: prefix, tool: tool) { broker in try await broker.job(jobID)?.status.isFinal == true }
            let record = try #require(try await setup.job(jobID))
            #expect(record.status == .done)
            #expect(record.attempts == 1)
            #expect(record.worker == "w-inline")
            #expect(record.result == ["run": "1", "attempt": "1"])
            #expect(record.startedMs != nil && record.startedMs ?? 0 <= record.finishedMs ?? 0)
            #expect(try await server.client().send("XLEN", setup.keys.stream(0)).int64 == 0)
        }
    }

    @Test func aRetryableFailureIsClaimedThenRetried() async throws {
        try await withRedis { server in
            let (prefix, setup) = try await Self.prepare(server)
            let jobID = try await Self.submit(setup)
            let tool = FlakyInlineTool(failures: 1)
            try await Self.runWorker(server, prefix: prefix, tool: tool) { broker in try await broker.job(jobID)?.status.isFinal == true }
            let record = try #require(try await setup.job(jobID))
            #expect(record.status == .done)
            #expect(record.attempts == 2)  // the failed run counted once, the retry once
            #expect(record.result == ["run": "2", "attempt": "2"])
            #expect(try await server.client().send("XLEN", setup.keys.stream(0)).int64 == 0)
            #expect(try await server.client().send("ZCARD", setup.keys.delayed(0)).int64 == 0)
        }
    }

    /// An idle worker's delayed-set poll backs off (50 ms doubling to 400 ms here), yet a
    /// retry left by a worker that died after scheduling it is still re-published.
    @Test func anIdleWorkerBacksOffItsRetryPollAndStillFindsOrphanedRetries() async throws {
        try await withRedis { server in
            let (prefix, setup) = try await Self.prepare(server)
            let admin = try server.client()
            func promotions() async throws -> Int {
                let info = try await admin.send("INFO", "commandstats").string ?? ""
                let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_zrangebyscore:") } ?? ""
                return Int(line.split(separator: "=").dropFirst().first?.split(separator: ",").first ?? "0") ?? 0
            }
            let clock = ContinuousClock()
            var window: (start: ContinuousClock.Instant, calls: Int)?
            var orphan: String?
            try await Self.runWorker(server, prefix: prefix, tool: FlakyInlineTool(failures: 0), idlePromoteInterval: .milliseconds(400)) { broker in
                guard let (start, calls) = window else {
                    window = (clock.now, try await promotions())
                    return false
                }
                if orphan == nil {
                    guard clock.now - start >= .seconds(2) else { return false }
                    // Polling every 50 ms would be 40 reads in 2 s; backing off to 400 ms makes about 8.
                    let polls = try await promotions() - calls
                    #expect(polls <= 16, "an idle worker read the delayed set \(polls) times in 2 s")
                    // A retry its worker scheduled, then died: queued, its envelope kept, due now.
                    let jobID = JobID.make()
                    _ = try await admin.send("HSET", broker.keys.job(jobID), "status", "queued", "envelope", "{}", "attempts", "1", "tool", "flaky_inline")
                    _ = try await admin.send("ZADD", broker.keys.delayed(0), String(UnixTime.nowMillis()), jobID)
                    orphan = jobID
                    return false
                }
                return try await admin.send("ZCARD", broker.keys.delayed(0)).int64 == 0
            }
            #expect(orphan != nil)
            #expect(try await admin.send("ZCARD", setup.keys.delayed(0)).int64 == 0)
        }
    }
}
