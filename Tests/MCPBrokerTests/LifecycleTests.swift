import MCPBroker
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

@Suite("Claim, progress, completion and cancellation")
struct LifecycleTests {
    static func deliver(_ broker: Broker, _ redis: RedisClient, consumer: String = "w1") async throws -> [DeliveredJob] {
        try await broker.readJobs(using: BrokerReader(redis), consumer: consumer, count: 10, block: .milliseconds(100))
    }

    @Test func claimIsACompareAndSetOnTheStatus() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            _ = try await broker.accept(job)
            let delivered = try await Self.deliver(broker, redis)
            #expect(delivered.map(\.jobID) == [job.jobID])
            #expect(try await broker.claim(delivered, worker: "w1") == [.run(attempts: 1)])
            // A duplicate delivery of a running job does nothing.
            #expect(try await broker.claim(delivered, worker: "w2") == [.skip(.running)])
            let record = try #require(try await broker.job(job.jobID))
            #expect(record.status == .running)
            #expect(record.worker == "w1")
            #expect(record.attempts == 1)
            #expect(record.startedMs != nil)
        }
    }

    @Test func completionRecordsTheResultAcksAndStartsRetention() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            _ = try await broker.accept(job)
            let delivered = try await Self.deliver(broker, redis)
            _ = try await broker.claim(delivered, worker: "w1")
            let ended = try await broker.complete([JobCompletion(job: delivered[0], status: .done, resultJSON: "{\"total\":3}")], worker: "w1")
            #expect(ended == ["done"])
            let record = try #require(try await broker.job(job.jobID))
            #expect(record.status == .done)
            #expect(record.result == ["total": 3])
            #expect(record.progress == 1)
            #expect(record.finishedMs != nil)
            let ttl = try await redis.send("PTTL", broker.keys.job(job.jobID)).int64 ?? 0
            #expect(ttl > 0)
            #expect(try await redis.xpendingSummary(broker.keys.stream(0), group: "workers").count == 0)
            // A second completion (e.g. by another worker) changes nothing.
            #expect(try await broker.complete([JobCompletion(job: delivered[0], status: .error, error: JobError(code: "x", message: "y"))], worker: "w2") == ["done"])
            #expect(try await broker.job(job.jobID)?.status == .done)
        }
    }

    @Test func progressReportsAndCancellationOfARunningJob() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            _ = try await broker.accept(job)
            let delivered = try await Self.deliver(broker, redis)
            _ = try await broker.claim(delivered, worker: "w1")
            #expect(try await broker.reportProgress(jobID: job.jobID, worker: "w1", fraction: 0.5, message: "half") == .proceed)
            let record = try #require(try await broker.job(job.jobID))
            #expect(record.progress == 0.5)
            #expect(record.message == "half")
            #expect(try await broker.reportProgress(jobID: job.jobID, worker: "w2", fraction: 0.6, message: "not mine") == .lost)

            #expect(try await broker.cancel(jobID: job.jobID, client: "client-002") == .unknown)  // not the owner
            #expect(try await broker.cancel(jobID: job.jobID, client: "client-001") == .cancelling)
            #expect(try await broker.cancellationRequests(jobIDs: [job.jobID, JobID.make()]) == [job.jobID])
            #expect(try await broker.reportProgress(jobID: job.jobID, worker: "w1", fraction: 0.7, message: "") == .cancelRequested)
            _ = try await broker.complete([JobCompletion(job: delivered[0], status: .cancelled, error: JobError(code: "cancelled", message: "by client"))], worker: "w1")
            #expect(try await broker.job(job.jobID)?.status == .cancelled)
            #expect(try await broker.cancel(jobID: job.jobID, client: "client-001") == .alreadyFinished(.cancelled))
        }
    }

    @Test func aCancelledQueuedJobIsNeverClaimed() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            _ = try await broker.accept(job)
            #expect(try await broker.cancel(jobID: job.jobID, client: "client-001") == .cancelled)
            let delivered = try await Self.deliver(broker, redis)
            #expect(try await broker.claim(delivered, worker: "w1") == [.skip(.cancelled)])
            #expect(try await broker.job(job.jobID)?.attempts == 0)
        }
    }

    @Test func unknownAndMalformedJobIDs() async throws {
        try await withBroker { (broker: Broker, _: RedisClient) async throws in
            #expect(try await broker.job(JobID.make()) == nil)
            #expect(try await broker.job("../../etc") == nil)
            #expect(try await broker.cancel(jobID: "not-an-id", client: "c") == .unknown)
            #expect(JobID.make().count == 32)
            #expect(JobID.make() != JobID.make())
        }
    }
}
