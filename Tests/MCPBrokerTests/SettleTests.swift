import MCPBroker
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// `settle`: an inline tool's completion that claims the job in the same step.
@Suite("Settle: claim and complete in one step")
struct SettleTests {
    static func done(_ job: DeliveredJob) -> JobCompletion {
        JobCompletion(job: job, status: .done, resultJSON: "{\"total\":3}", requestID: "r", clientID: "client-001")
    }

    @Test func aQueuedJobTakesTheOutcomeAsIfClaimedThenCompleted() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            _ = try await broker.accept(job)
            let delivered = try await LifecycleTests.deliver(broker, redis)
            let ended = try await broker.settle(Self.done(delivered[0]), worker: "w1", maxAttempts: 3, startedMs: 1_700_000_000_000)
            #expect(ended == "done")
            let record = try #require(try await broker.job(job.jobID))
            #expect(record.status == .done)
            #expect(record.result == ["total": 3])
            #expect(record.worker == "w1")
            #expect(record.attempts == 1)
            #expect(record.startedMs == 1_700_000_000_000)
            #expect(record.finishedMs != nil)
            #expect(try await redis.send("HGET", broker.keys.job(job.jobID), "completions").string == "1")
            #expect((try await redis.send("PTTL", broker.keys.job(job.jobID)).int64 ?? 0) > 0)
            #expect(try await redis.xpendingSummary(broker.keys.stream(0), group: "workers").count == 0)
            #expect(try await redis.send("XLEN", broker.keys.stream(0)).int64 == 0)
            // A second settle or completion of the same delivery changes nothing.
            let again = JobCompletion(job: delivered[0], status: .error, error: JobError(code: "x", message: "y"))
            #expect(try await broker.settle(again, worker: "w2", maxAttempts: 3, startedMs: 1) == "done")
            #expect(try await broker.complete([again], worker: "w2") == ["done"])
            #expect(try await broker.job(job.jobID)?.worker == "w1")
        }
    }

    @Test func aJobCancelledWhileItsToolRanKeepsItsCancelAndIsAcknowledged() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            _ = try await broker.accept(job)
            let delivered = try await LifecycleTests.deliver(broker, redis)
            #expect(try await broker.cancel(jobID: job.jobID, client: "client-001") == .cancelled)
            #expect(try await broker.settle(Self.done(delivered[0]), worker: "w1", maxAttempts: 3, startedMs: 1) == "cancelled")
            let record = try #require(try await broker.job(job.jobID))
            #expect(record.status == .cancelled)
            #expect(record.result == nil)
            #expect(record.attempts == 0)
            #expect(try await redis.xpendingSummary(broker.keys.stream(0), group: "workers").count == 0)
        }
    }

    @Test func aJobAnotherWorkerRunsIsLeftToIt() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            _ = try await broker.accept(job)
            let delivered = try await LifecycleTests.deliver(broker, redis)
            #expect(try await broker.claim(delivered, worker: "w2", takeover: true) == [.run(attempts: 1)])
            #expect(try await broker.settle(Self.done(delivered[0]), worker: "w1", maxAttempts: 3, startedMs: 1) == "running")
            let record = try #require(try await broker.job(job.jobID))
            #expect(record.status == .running)
            #expect(record.worker == "w2")
            #expect(try await redis.xpendingSummary(broker.keys.stream(0), group: "workers").count == 1)  // still w2's delivery
        }
    }

    @Test func usedUpAttemptsWriteNothing() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            _ = try await broker.accept(job)
            let delivered = try await LifecycleTests.deliver(broker, redis)
            _ = try await redis.send("HSET", broker.keys.job(job.jobID), "attempts", "3")
            let before = try await redis.send("HGETALL", broker.keys.job(job.jobID))
            #expect(try await broker.settle(Self.done(delivered[0]), worker: "w1", maxAttempts: 3, startedMs: 1) == Broker.exhausted)
            #expect(try await redis.send("HGETALL", broker.keys.job(job.jobID)) == before)
            #expect(try await redis.xpendingSummary(broker.keys.stream(0), group: "workers").count == 1)
        }
    }

    @Test func aMissingJobIsAcknowledged() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            _ = try await broker.accept(job)
            let delivered = try await LifecycleTests.deliver(broker, redis)
            _ = try await redis.send("DEL", broker.keys.job(job.jobID))
            #expect(try await broker.settle(Self.done(delivered[0]), worker: "w1", maxAttempts: 3, startedMs: 1) == "missing")
            #expect(try await redis.send("EXISTS", broker.keys.job(job.jobID)).int64 == 0)
            #expect(try await redis.xpendingSummary(broker.keys.stream(0), group: "workers").count == 0)
        }
    }
}

/// `stats()` before the workers group has delivered anything.
@Suite("Queue counters before the first delivery")
struct FirstDeliveryStatsTests {
    /// Redis reports `entries-read` as unknown until a group first delivers; a group that never
    /// delivered has read nothing, so entries-added (lag + read) is known from the start.
    @Test func aGroupThatNeverDeliveredHasReadNothing() async throws {
        try await withBroker { broker, redis in
            try await broker.ensureWorkerGroup()
            _ = try await broker.accept(submission())
            let raw = try await redis.send("XINFO", "GROUPS", broker.keys.stream(0))
            #expect(RedisValue.pairs(try #require(raw.array?.first))["entries-read"] == .null)  // what Redis says
            let stats = try await broker.stats()
            #expect(stats.entriesRead == 0)
            #expect(stats.entriesAdded == 1)
            _ = try await LifecycleTests.deliver(broker, redis)
            let after = try await broker.stats()
            #expect(after.entriesRead == 1)
            #expect(after.entriesAdded == 1)
        }
    }
}
