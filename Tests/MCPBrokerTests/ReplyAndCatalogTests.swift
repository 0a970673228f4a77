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

    @Test func catalogRoundTripAndLiveWorkers() async throws {
        try await withBroker { (broker: Broker, _: RedisClient) async throws in
            try await broker.publishCatalog(ToolRegistry.builtIn.descriptors)
            let catalog = try await broker.catalog()
            #expect(catalog.map(\.name).sorted() == ToolRegistry.builtIn.descriptors.map(\.name).sorted())
            #expect(try await broker.descriptor(named: "batch_sum")?.mode == .sync)
            #expect(try await broker.descriptor(named: "missing") == nil)

            #expect(try await broker.liveWorkers().isEmpty)
            try await broker.redis.zadd(broker.keys.workerIndex, [(score: 1, member: "long-gone")])
            try await broker.heartbeat(WorkerHeartbeat(workerID: "w-1", host: "h", pid: 1, startedMs: 0, inFlight: 0, concurrency: 4, version: "t"))
            #expect(try await broker.liveWorkers() == ["w-1"])
            // The heartbeat prunes index entries of workers long gone.
            #expect(try await broker.redis.zrangeByScore(broker.keys.workerIndex, min: "-inf", max: "+inf") == ["w-1"])
            try await broker.retire(workerID: "w-1")
            #expect(try await broker.liveWorkers().isEmpty)
        }
    }
}
