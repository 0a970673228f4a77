import Logging
import MCPBroker
import RedisClient
import RedisTestSupport
import ServiceLifecycle
import Testing

/// Several requests waiting on one job, dead letters, and shutdown: every
/// waiter is woken, every wait ends, nothing is left registered.
@Suite("Reply waiters")
struct ReplyWaitersTests {
    /// Runs a listener on a throwaway Redis around `body`.
    func withListener(_ body: (Broker, RedisClient, ReplyListener) async throws -> Void) async throws {
        try await withRedis { server in
            let redis = try server.client()
            let broker = Broker(redis: redis, configuration: BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("waiters")))
            try await broker.ensureWorkerGroup()
            let listener = ReplyListener(gatewayID: "gw-test", broker: broker, reader: BrokerReader(try server.client()), logger: Logger(label: "test"))
            let group = ServiceGroup(services: [listener], logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await body(broker, redis, listener)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test func everyWaiterOnOneJobIsWoken() async throws {
        try await withListener { broker, _, listener in
            let job = submission()
            _ = try await broker.accept(job)
            #expect(try await broker.watch(jobID: job.jobID, gateway: "gw-test") == .queued)
            let tickets = (0..<30).map { _ in listener.register(jobID: job.jobID) }
            let clock = ContinuousClock()
            let started = clock.now
            let statuses = await withTaskGroup(of: JobStatus?.self) { group in
                for ticket in tickets {
                    group.addTask { await listener.wait(ticket, budget: .seconds(20))?.status }
                }
                // Let them all park, then end the job: its watchers are told.
                _ = await eventually { listener.waiting == 30 }
                _ = try? await broker.cancel(jobID: job.jobID, client: "client-001")
                return await group.reduce(into: [JobStatus?]()) { $0.append($1) }
            }
            #expect(statuses.count == 30)
            #expect(statuses.allSatisfy { $0 == .cancelled }, "\(statuses)")
            #expect(clock.now - started < .seconds(10))
            #expect(listener.registrations == 0)
        }
    }

    @Test func aDeadLetteredJobWakesItsWaiters() async throws {
        try await withListener { broker, redis, listener in
            let job = submission(replyTo: "gw-test")
            let sync = listener.register(jobID: job.jobID)
            _ = try await broker.accept(job)
            let watcher = listener.register(jobID: job.jobID)
            #expect(try await broker.watch(jobID: job.jobID, gateway: "gw-test") == .queued)
            let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w", count: 10, block: .milliseconds(100))
            let entry = try #require(delivered.first { $0.jobID == job.jobID })
            async let first = listener.wait(sync, budget: .seconds(10))
            async let second = listener.wait(watcher, budget: .seconds(10))
            #expect(try await broker.deadLetter(entry, error: JobError(code: "dead_letter", message: "poison")) == .done)
            let replies = await [first, second]
            #expect(replies.map { $0?.status } == [.error, .error])
            #expect(replies.first??.error == JobError(code: "dead_letter", message: "poison"))
            #expect(try await broker.job(entry.jobID)?.error?.code == "dead_letter")  // from the error_code field: nothing parses it back
        }
    }

    @Test func closingEndsEveryWaitAndLaterWaitsAtOnce() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let broker = Broker(redis: redis, configuration: BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("close")))
            let listener = ReplyListener(gatewayID: "gw-close", broker: broker, reader: BrokerReader(try server.client()), logger: Logger(label: "test"))
            let tickets = (0..<5).map { _ in listener.register(jobID: JobID.make()) }
            let clock = ContinuousClock()
            let started = clock.now
            await withTaskGroup(of: JobReply?.self) { group in
                for ticket in tickets { group.addTask { await listener.wait(ticket, budget: .seconds(600)) } }
                _ = await eventually { listener.waiting == 5 }
                listener.close()
                for await reply in group { #expect(reply == nil) }
            }
            #expect(clock.now - started < .seconds(120))  // far below the 600 s budgets: closing ended the waits
            let late = listener.register(jobID: JobID.make())
            #expect(await listener.wait(late, budget: .seconds(600)) == nil)
            #expect(clock.now - started < .seconds(120))  // far below the 600 s budgets: closing ended the waits
            #expect(listener.registrations == 0)
        }
    }

    @Test func aWaitEndsByItsBudget() async throws {
        try await withListener { _, _, listener in
            let ticket = listener.register(jobID: JobID.make())
            let clock = ContinuousClock()
            let started = clock.now
            #expect(await listener.wait(ticket, budget: .milliseconds(200)) == nil)
            #expect(clock.now - started < .seconds(60))  // ends by its budget, not never (a loaded machine may be slow)
            #expect(listener.registrations == 0)
        }
    }
}
