import Logging
import MCPBroker
import MCPTools
import MCPWire
import RedisClient
import RedisTestSupport
import ServiceLifecycle
import Testing

@Suite("Reply stream, catalog and heartbeats")
struct ReplyAndCatalogTests {
    @Test func aWaitingRequestGetsItsReplyAndOthersTimeOut() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let broker = Broker(redis: redis, configuration: BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("replies")))
            try await broker.ensureWorkerGroup()
            let listener = ReplyListener(gatewayID: "gw-test", broker: broker, reader: BrokerReader(try server.client()), logger: Logger(label: "test"))
            let group = ServiceGroup(services: [listener], logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let fast = submission(replyTo: "gw-test")
                let slow = submission(replyTo: "gw-test")
                let fastTicket = listener.register(jobID: fast.jobID)
                let slowTicket = listener.register(jobID: slow.jobID)
                _ = try await broker.accept(fast)
                _ = try await broker.accept(slow)
                let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w", count: 10, block: .milliseconds(100))
                _ = try await broker.claim(delivered, worker: "w")
                let fastJob = try #require(delivered.first { $0.jobID == fast.jobID })
                // The reply may arrive before the wait starts: it must not be lost.
                try await broker.complete([JobCompletion(job: fastJob, status: .done, resultJSON: "{\"ok\":true}")], worker: "w")
                let reply = await listener.wait(fastTicket, budget: .seconds(30))  // returns once the reply is read
                #expect(reply?.status == .done)
                #expect(reply?.result == ["ok": true])
                let clock = ContinuousClock()
                let started = clock.now
                #expect(await listener.wait(slowTicket, budget: .milliseconds(200)) == nil)
                #expect(clock.now - started >= .milliseconds(190))
                #expect(clock.now - started < .seconds(60))  // timed out by the sweeper, not left hanging (a loaded machine may be slow)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    /// A producer's results stream is both the entry's reply_to and a watcher of
    /// the job: the first completion tells it once, in the worker's own round trip,
    /// with the request id and client it keys answers by.
    @Test func aResultsStreamHearsAFirstCompletionOnce() async throws {
        try await withBroker { (broker: Broker, redis: RedisClient) async throws in
            let results = try #require(ResultsStream("app"))
            let base = submission(requestID: "req-1")
            let job = JobSubmission(
                jobID: base.jobID, envelopeJSON: base.envelopeJSON, tool: base.tool, mode: base.mode, clientID: base.clientID,
                requestID: base.requestID, nonce: base.nonce, replyTo: nil, resultsTo: results)
            _ = try await broker.accept(job)
            #expect(try await redis.hget(broker.keys.job(job.jobID), "watchers") == "@app")
            let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w", count: 10, block: .milliseconds(100))
            #expect(delivered.first?.replyTo == "@app")
            _ = try await broker.claim(delivered, worker: "w")
            let first = try #require(delivered.first)
            try await broker.complete([JobCompletion(
                job: first, status: .done, resultJSON: "{\"ok\":true}", requestID: "req-1", clientID: "client-001")], worker: "w")
            let entries = try await redis.xrange(broker.keys.results(results))
            #expect(entries.count == 1, "\(entries)")  // complete() returns after both of its round trips
            #expect(entries.first?["request_id"] == "req-1" && entries.first?["client_id"] == "client-001")
            #expect(entries.first?["status"] == "done" && entries.first?["job_id"] == job.jobID)
        }
    }

    @Test func catalogRoundTripAndLiveWorkers() async throws {
        try await withBroker { (broker: Broker, _: RedisClient) async throws in
            try await broker.publishCatalog(ToolRegistry.builtIn.descriptors)
            let catalog = try await broker.catalog()
            #expect(catalog.map(\.name).sorted() == ToolRegistry.builtIn.descriptors.map(\.name).sorted())
            #expect(try await broker.descriptor(named: "batch_sum")?.mode == .sync)
            #expect(try await broker.descriptor(named: "missing") == nil)

            #expect(try await broker.liveWorkers().isEmpty)
            try await broker.redis.zadd(broker.keys.workerIndex, [(score: 1, member: "long-gone")])
            // Beats far in the future (junk, or a dead host whose clock ran ahead) are not live workers,
            // or bells would go to listeners that never hear them.
            try await broker.redis.zadd(broker.keys.workerIndex, [(score: 9_999_999_999_999, member: "fake")])
            #expect(try await broker.liveWorkers().isEmpty)
            try await broker.heartbeat(WorkerHeartbeat(workerID: "w-1", host: "h", pid: 1, startedMs: 0, inFlight: 0, concurrency: 4, version: "t"))
            #expect(try await broker.liveWorkers() == ["w-1"])
            // The heartbeat prunes index entries of workers long gone, and those from the far future.
            #expect(try await broker.redis.zrangeByScore(broker.keys.workerIndex, min: "-inf", max: "+inf") == ["w-1"])
            try await broker.retire(workerID: "w-1")
            #expect(try await broker.liveWorkers().isEmpty)
        }
    }
}
