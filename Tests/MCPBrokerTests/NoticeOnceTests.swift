import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

/// An entry's `reply_to` (a producer's results stream or a waiting gateway) is told once how its
/// job ended: by the completing call that records the status, never by a run that lost the job,
/// and not again when a completion is sent twice because its first reply was lost (an outside
/// attack found 10 identical answers after a `FUNCTION FLUSH`, `done` then `error` after a
/// takeover, and `completions` counted twice after a `DEBUG SLEEP`).
@Suite("Notices told once")
struct NoticeOnceTests {
    /// Accepts a job whose answers go to results stream `app`, delivers it and lets `w1` claim it.
    private static func runningJob(_ broker: Broker, _ redis: RedisClient, claim: Bool = true) async throws -> (DeliveredJob, ResultsStream) {
        let results = try #require(ResultsStream("app"))
        let base = submission(requestID: "req-\(JobID.make())")
        let job = JobSubmission(
            jobID: broker.makeJobID(client: base.clientID, key: base.requestID), envelopeJSON: base.envelopeJSON, tool: base.tool, mode: base.mode,
            clientID: base.clientID, requestID: base.requestID, nonce: base.nonce, replyTo: nil, resultsTo: results)
        _ = try await broker.accept(job)
        let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 10, block: .milliseconds(100))
        let first = try #require(delivered.first)
        if claim { _ = try await broker.claim([first], worker: "w1") }
        return (first, results)
    }

    private static func completions(_ broker: Broker, _ redis: RedisClient, _ job: DeliveredJob) async throws -> String? {
        try await redis.hget(broker.keys.job(job.jobID, in: job.partition), "completions")
    }

    @Test func aCompletionSentAgainCountsAndTellsNothingTwice() async throws {
        try await withBroker { (broker: Broker, redis: RedisClient) async throws in
            let (job, results) = try await Self.runningJob(broker, redis)
            let completion = JobCompletion(job: job, status: .done, resultJSON: "{\"ok\":true}", requestID: "r", clientID: "client-001")
            #expect(try await broker.complete([completion], worker: "w1") == ["done"])
            #expect(try await broker.complete([completion], worker: "w1") == ["done"])  // its first reply was lost, say
            #expect(try await redis.xrange(broker.keys.results(results)).count == 1)
            #expect(try await Self.completions(broker, redis, job) == "1")
            // Another run of the same job by the same worker still counts (a second execution is what it shows).
            let again = JobCompletion(job: job, status: .done, resultJSON: "{\"ok\":true}", finishedMs: completion.finishedMs + 1)
            _ = try await broker.complete([again], worker: "w1")
            #expect(try await Self.completions(broker, redis, job) == "2")
            #expect(try await redis.xrange(broker.keys.results(results)).count == 1)
        }
    }

    @Test func aRunThatLostItsJobTellsNobody() async throws {
        try await withBroker { (broker: Broker, redis: RedisClient) async throws in
            let (job, results) = try await Self.runningJob(broker, redis)
            // w2 finished a run of the job that w1 holds now (it was taken over): its outcome is not the job's.
            let lost = JobCompletion(job: job, status: .error, error: JobError(code: "timeout", message: "late"))
            #expect(try await broker.complete([lost], worker: "w2") == ["running"])
            #expect(try await redis.xrange(broker.keys.results(results)).isEmpty)
            #expect(try await broker.complete([JobCompletion(job: job, status: .done, resultJSON: "{}")], worker: "w1") == ["done"])
            let told = try await redis.xrange(broker.keys.results(results))
            #expect(told.map { $0["status"] } == ["done"])
        }
    }

    @Test func anInlineSettlementSentAgainTellsOnce() async throws {
        try await withBroker { (broker: Broker, redis: RedisClient) async throws in
            let (job, results) = try await Self.runningJob(broker, redis, claim: false)
            let completion = JobCompletion(job: job, status: .done, resultJSON: "{\"total\":6}")
            #expect(try await broker.settle(completion, worker: "w1", maxAttempts: 3, startedMs: completion.finishedMs) == "done")
            #expect(try await broker.settle(completion, worker: "w1", maxAttempts: 3, startedMs: completion.finishedMs) == "done")
            #expect(try await redis.xrange(broker.keys.results(results)).count == 1)
            #expect(try await Self.completions(broker, redis, job) == "1")
        }
    }

    /// A results stream made anew (after a FLUSHALL, a restart, a DEL) gets its TTL with the next
    /// notice, although this process refreshed that stream's expiry a moment ago: it never lives for ever.
    @Test func aStreamMadeAnewGetsItsExpiryWithTheNextNotice() async throws {
        try await withBroker { (broker: Broker, redis: RedisClient) async throws in
            let (first, results) = try await Self.runningJob(broker, redis)
            _ = try await broker.complete([JobCompletion(job: first, status: .done, resultJSON: "{}")], worker: "w1")
            let stream = broker.keys.results(results)
            #expect((try await redis.send("PTTL", stream).int64 ?? -1) > 0)
            _ = try await redis.send("DEL", stream)
            let (second, _) = try await Self.runningJob(broker, redis)
            _ = try await broker.complete([JobCompletion(job: second, status: .done, resultJSON: "{}")], worker: "w1")
            #expect(try await redis.xrange(stream).count == 1)
            #expect((try await redis.send("PTTL", stream).int64 ?? -1) > 0)
        }
    }

    /// On a cluster the notice goes to another slot after the completion's reply: the same rules hold.
    @Test func onAClusterTheSameRulesHold() async throws {
        try await ClusterJobFeedTests.withClusterBroker { broker, cluster in
            let redis = try cluster.client(commandTimeout: .seconds(5))
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            let results = try #require(ResultsStream("app"))
            let base = submission(requestID: "req-cluster")
            let accepted = JobSubmission(
                jobID: broker.makeJobID(client: base.clientID, key: base.requestID), envelopeJSON: base.envelopeJSON, tool: base.tool, mode: base.mode,
                clientID: base.clientID, requestID: base.requestID, nonce: base.nonce, replyTo: nil, resultsTo: results)
            _ = try await broker.accept(accepted)
            var delivered: [DeliveredJob] = []
            #expect(await eventually {
                delivered += (try? await broker.readJobs(using: reader, consumer: "w1", count: 10, block: .milliseconds(200))) ?? []
                return !delivered.isEmpty
            })
            let job = try #require(delivered.first)
            _ = try await broker.claim([job], worker: "w1")
            #expect(try await broker.complete([JobCompletion(job: job, status: .error, error: JobError(code: "x", message: "late"))], worker: "w2") == ["running"])
            let completion = JobCompletion(job: job, status: .done, resultJSON: "{}")
            #expect(try await broker.complete([completion], worker: "w1") == ["done"])
            #expect(try await broker.complete([completion], worker: "w1") == ["done"])
            let told = try await redis.xrange(broker.keys.results(results))
            #expect(told.map { $0["status"] } == ["done"])
            #expect(try await Self.completions(broker, redis, job) == "2")  // w2's late run and w1's: not w1's twice
        }
    }
}
