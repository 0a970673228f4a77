import MCPBroker
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

@Suite("Retries, dead letters, leases and trimming in Redis")
struct ReliabilityScriptTests {
    static func runOne(_ broker: Broker, _ redis: RedisClient, worker: String = "w1") async throws -> DeliveredJob {
        _ = try await broker.accept(submission())
        let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: worker, count: 1, block: .milliseconds(100))
        _ = try await broker.claim(delivered, worker: worker)
        return delivered[0]
    }

    @Test func aRetryIsRepublishedExactlyOnceByConcurrentPromoters() async throws {
        try await withBroker { broker, redis in
            let job = try await Self.runOne(broker, redis)
            #expect(try await broker.scheduleRetry(job, worker: "w1", error: JobError(code: "flaky", message: "try again"), delay: .zero) == .done)
            let hash = try await redis.hgetall(broker.keys.job(job.jobID))
            #expect(hash["status"] == "queued")
            #expect(hash["error"] == "flaky: try again")
            #expect(try await redis.xpendingSummary(broker.keys.stream(0), group: "workers").count == 0)
            let published = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 { group.addTask { try await broker.promoteDueRetries().published } }
                return try await group.reduce(0, +)
            }
            #expect(published == 1)
            let entries = try await redis.xrange(broker.keys.stream(0))
            #expect(entries.count == 1)  // the failed delivery was deleted with its acknowledgement
            #expect(entries.last?["job_id"] == job.jobID)
            #expect(entries.last?["attempt"] == "2")
            let redelivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w2", count: 1, block: .milliseconds(100))
            #expect(try await broker.claim(redelivered, maxAttempts: [3], worker: "w2") == [.run(attempts: 2)])
        }
    }

    @Test func aRetryOfACancelledJobIsDropped() async throws {
        try await withBroker { broker, redis in
            let job = try await Self.runOne(broker, redis)
            _ = try await broker.scheduleRetry(job, worker: "w1", error: JobError(code: "x", message: "y"), delay: .seconds(60))
            let pending = try await broker.promoteDueRetries()
            #expect(pending.published == 0)
            let due = try #require(pending.nextDueMs)  // the promoter learns when to look again
            #expect(due > UnixTime.nowMillis() + 50_000)
            #expect(try await broker.cancel(jobID: job.jobID, client: "client-001") == .cancelled)
            #expect(try await redis.zrangeByScore(broker.keys.delayed(0), min: "-inf", max: "+inf").isEmpty)  // cancel drops it
            try await redis.zadd(broker.keys.delayed(0), [(score: 0, member: job.jobID)])  // even if it were due now
            #expect(try await broker.promoteDueRetries().published == 0)
            #expect(try await broker.promoteDueRetries().nextDueMs == nil)
            #expect(try await redis.xrange(broker.keys.stream(0)).isEmpty)  // acknowledged and deleted at the retry; never re-published
        }
    }

    @Test func claimRefusesAJobWhoseAttemptsAreUsedUp() async throws {
        try await withBroker { broker, redis in
            let job = try await Self.runOne(broker, redis)  // attempts = 1, left running by "w1"
            #expect(try await broker.claim([job], maxAttempts: [1], worker: "w2", takeover: true) == [.exhausted(attempts: 1)])
            #expect(try await broker.claim([job], maxAttempts: [2], worker: "w2", takeover: true) == [.run(attempts: 2)])
        }
    }

    @Test func deadLettersCarryTheEnvelopeAndAreCapped() async throws {
        try await withRedis { server in
            let redis = try server.client()
            var configuration = BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("dead"))
            configuration.deadStreamMaxLength = 2
            let broker = Broker(redis: redis, configuration: configuration)
            try await broker.ensureWorkerGroup()
            var last: DeliveredJob?
            for _ in 0..<300 {
                let job = try await Self.runOne(broker, redis)
                #expect(try await broker.deadLetter(job, error: JobError(code: "dead_letter", message: "test"), expectedWorker: "w1") == .done)
                last = job
            }
            let letters = try await broker.deadLetters(count: 1000)
            #expect(letters.count < 300)  // MAXLEN ~ trims whole nodes: approximately capped
            let job = try #require(last)
            #expect(letters.last?.jobID == job.jobID)
            #expect(letters.last?.envelopeJSON == job.envelopeJSON)
            #expect(letters.last?.attempts == 1)
            let record = try #require(try await broker.job(job.jobID))
            #expect(record.status == .error)
            #expect(record.dead)
            #expect(try await broker.deadLetter(job, error: JobError(code: "dead_letter", message: "again")) == .skipped(.error))  // already final: nothing more
        }
    }

    @Test func renewingLeasesNeverTakesBackAReclaimedEntry() async throws {
        try await withBroker { broker, redis in
            let job = try await Self.runOne(broker, redis, worker: "w1")
            try await Task.sleep(for: .milliseconds(60))
            let reclaimed = try await broker.reclaimStale(worker: "w2", lease: .milliseconds(50), count: 10)
            #expect(reclaimed.map(\.jobID) == [job.jobID])
            #expect(reclaimed.first?.deliveries == 2)
            _ = try await broker.claim(reclaimed, maxAttempts: [3], worker: "w2", takeover: true)
            try await broker.renewLeases([job], worker: "w1")  // w1 is late: it no longer owns the job
            let pending = try await redis.xpending(broker.keys.stream(0), group: "workers", count: 10)
            #expect(pending.map(\.consumer) == ["w2"])
            // w1's late completion neither finishes the job nor acknowledges w2's delivery.
            #expect(try await broker.complete([JobCompletion(job: job, status: .done, resultJSON: "{}")], worker: "w1") == ["running"])
            #expect(try await redis.xpendingSummary(broker.keys.stream(0), group: "workers").count == 1)
        }
    }

    /// A job's request record lives as long as the job: no expiry while it is queued or runs
    /// (however long: a retry of a job that waited or ran past the retention finds it, as an
    /// accept of the same call proves), the retention once it ends, and a retry puts it back in
    /// the queue without one.
    @Test func aRequestRecordLivesAsLongAsItsJob() async throws {
        try await withBroker { broker, redis in
            let retention = broker.configuration.retentionMillis
            func ttl(_ requestID: String) async throws -> Int64 {
                try await redis.send("PTTL", broker.keys.request(client: "client-001", requestID: requestID, in: 0)).int64 ?? -3
            }
            let long = submission(requestID: "long")
            _ = try await broker.accept(long)
            #expect(try await ttl("long") == -1, "queued: no expiry")
            let retried = submission(requestID: "long")  // the same call again, as a client's retry
            #expect(try await broker.accept(retried) == .duplicate(jobID: long.jobID))
            let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 1, block: .milliseconds(100))
            _ = try await broker.claim(delivered, worker: "w1")
            try await broker.renewLeases(delivered, worker: "w1")
            #expect(try await ttl("long") == -1, "running: no expiry")
            #expect(try await broker.scheduleRetry(delivered[0], worker: "w1", error: JobError(code: "flaky", message: "again"), delay: .zero) == .done)
            #expect(try await ttl("long") == -1, "queued again for its retry: no expiry")
            _ = try await broker.promoteDueRetries()
            let again = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 1, block: .milliseconds(100))
            _ = try await broker.claim(again, worker: "w1")
            _ = try await broker.complete(again.map { JobCompletion(job: $0, status: .done, resultJSON: "{}") }, worker: "w1")
            let afterEnd = try await ttl("long")
            #expect(afterEnd > 1000 && afterEnd <= retention, "the end gives it the retention: \(afterEnd)")
            let jobTTL = try await redis.send("PTTL", broker.keys.job(long.jobID)).int64 ?? -3
            #expect(jobTTL > 0 && abs(afterEnd - jobTTL) < 5_000, "it expires with its job: \(afterEnd) and \(jobTTL)")

            // A queued job cancelled by its client (the gateway's function, which may SET the record).
            let queued = submission(requestID: "queued")
            _ = try await broker.accept(queued)
            #expect(try await broker.cancel(jobID: queued.jobID, client: "client-001") == .cancelled)
            let cancelled = try await ttl("queued")
            #expect(cancelled > 1000 && cancelled <= retention, "\(cancelled)")
            #expect(try await broker.job(forRequest: "queued", client: "client-001")?.id == queued.jobID)
        }
    }

    /// A dead letter redriven after its request record expired gets it back (without expiry), so a
    /// retry of the request finds the redriven job; a record that names another job (the request
    /// id reused once the first had expired) is left as it is.
    @Test func aRedrivenJobGetsItsRequestRecordBack() async throws {
        try await withBroker { broker, redis in
            func record(_ requestID: String) -> String { broker.keys.request(client: "client-001", requestID: requestID, in: 0) }
            let first = submission(requestID: "dead-1")
            let second = submission(requestID: "dead-2")
            for job in [first, second] { _ = try await broker.accept(job) }
            let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 2, block: .milliseconds(100))
            _ = try await broker.claim(delivered, worker: "w1")
            for job in delivered { #expect(try await broker.deadLetter(job, error: JobError(code: "dead_letter", message: "test")) == .done) }
            #expect((try await redis.send("PTTL", record("dead-1")).int64 ?? -3) > 0, "a dead letter's record expires with its job")
            _ = try await redis.send("DEL", record("dead-1"), broker.keys.job(first.jobID))  // both expired
            _ = try await redis.send("SET", record("dead-2"), "job-of-another-call")  // the id named a new job since
            for letter in try await broker.deadLetters() { _ = try await broker.redrive(deadLetterID: letter.id) }
            #expect(try await redis.send("GET", record("dead-1")).string == first.jobID)
            #expect(try await redis.send("PTTL", record("dead-1")).int64 == -1)
            #expect(try await broker.accept(submission(requestID: "dead-1")) == .duplicate(jobID: first.jobID))
            #expect(try await redis.send("GET", record("dead-2")).string == "job-of-another-call")
            // The redriven job gave up its request id: running it to its end leaves the other job's record alone.
            #expect(try await redis.send("HEXISTS", broker.keys.job(second.jobID), "request_id").int64 == 0)
            let again = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 2, block: .milliseconds(100))
            #expect(Set(again.map(\.jobID)) == [first.jobID, second.jobID])
            _ = try await broker.claim(again, worker: "w1")
            _ = try await broker.complete(again.map { JobCompletion(job: $0, status: .done, resultJSON: "{}") }, worker: "w1")
            #expect(try await redis.send("PTTL", record("dead-2")).int64 == -1, "the other job's record got an expiry")
            #expect((try await redis.send("PTTL", record("dead-1")).int64 ?? -3) > 0)

            // A cancel sets the record's expiry only while it names the cancelled job.
            let queued = submission(requestID: "taken")
            _ = try await broker.accept(queued)
            _ = try await redis.send("SET", record("taken"), "job-of-another-call")
            #expect(try await broker.cancel(jobID: queued.jobID, client: "client-001") == .cancelled)
            #expect(try await redis.send("PTTL", record("taken")).int64 == -1, "a cancel gave another job's record an expiry")
        }
    }

    /// The worker's start-up probe: a user allowed `PEXPIRE` on request records passes, one of an
    /// ACL file from before (no such right) is found out, and the probe leaves nothing behind.
    @Test func theRecordExpiryProbeFindsAUserThatMayNotSetIt() async throws {
        try await withBroker { broker, redis in
            #expect(try await broker.mayExpireRequestRecords())
            let user = "old-worker-\(JobID.make().prefix(8))"
            _ = try await redis.send(
                "ACL", "SETUSER", user, "on", ">old-pass", "resetkeys", "-@all", "+ping", "+hello", "+auth",
                "~\(broker.keys.prefix):{[0-9]*}:job:*", "+pexpire")
            var configuration = redis.configuration
            configuration.endpoint.user = user
            configuration.endpoint.password = "old-pass"
            let limited = RedisClient(configuration: configuration)
            defer { limited.close() }
            let old = Broker(redis: limited, configuration: broker.configuration)
            #expect(try await old.mayExpireRequestRecords() == false)
            #expect(try await redis.send("EXISTS", broker.keys.request(client: "", requestID: "expiry-probe", in: 0)).int64 == 0)
        }
    }

    @Test func trimmingKeepsEveryPendingAndUndeliveredEntry() async throws {
        try await withBroker { broker, redis in
            for _ in 0..<5 { _ = try await broker.accept(submission()) }
            let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 3, block: .milliseconds(100))
            _ = try await broker.claim(delivered, worker: "w1")
            // Finish the 1st and 3rd; the 2nd stays pending; the 4th and 5th are undelivered.
            _ = try await broker.complete([
                JobCompletion(job: delivered[0], status: .done, resultJSON: "{}"),
                JobCompletion(job: delivered[2], status: .done, resultJSON: "{}"),
            ], worker: "w1")
            let keepFrom = try await broker.trimStream()
            #expect(keepFrom == delivered[1].entryID)
            let remaining = try await redis.xrange(broker.keys.stream(0)).map(\.id)
            // Finished entries were deleted at completion; the pending one and the undelivered ones stay.
            #expect(Set(remaining).isSuperset(of: [delivered[1].entryID]))
            #expect(remaining.count == 3)
            #expect(!remaining.contains(delivered[0].entryID) && !remaining.contains(delivered[2].entryID))
            _ = try await broker.complete([JobCompletion(job: delivered[1], status: .done, resultJSON: "{}")], worker: "w1")
            let rest = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 10, block: .milliseconds(100))
            #expect(rest.count == 2)
        }
    }

    /// `XGROUP SETID … $` makes the group skip undelivered entries: the trim no longer removes
    /// them as finished (their jobs stayed `queued` for ever) but appends them again, once the
    /// entries delivered before have ended; an entry with more fields than a job's is deleted.
    @Test func entriesTheGroupSkippedAreAppendedAgainAndRun() async throws {
        try await withBroker { broker, redis in
            let stream = broker.keys.stream(0)
            for _ in 0..<5 { _ = try await broker.accept(submission()) }
            let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 2, block: .milliseconds(100))
            _ = try await broker.claim(delivered, worker: "w1")
            let skipped = try await redis.xrange(stream).map(\.id).filter { id in !delivered.contains { $0.entryID == id } }
            #expect(skipped.count == 3)
            let poison = try await redis.xadd(stream, fields: (0..<20).map { StreamField(name: "f\($0)", value: "v") })
            _ = try await redis.send("XGROUP", "SETID", stream, "workers", "$")

            // While the entries delivered before are running, nothing below them is touched.
            try await broker.trimStream()
            #expect(try await redis.xrange(stream).count == 6)
            _ = try await broker.complete(delivered.map { JobCompletion(job: $0, status: .done, resultJSON: "{}") }, worker: "w1")

            try await broker.trimStream()
            let now = try await redis.xrange(stream)
            #expect(now.count == 3, "\(now.map(\.id))")
            #expect(Set(now.map(\.id)).isDisjoint(with: skipped + [poison]))  // appended anew; the poison entry gone
            let again = try await broker.readJobs(using: BrokerReader(redis), consumer: "w2", count: 10, block: .milliseconds(100))
            #expect(again.count == 3)
            #expect(try await broker.claim(again, worker: "w2") == Array(repeating: .run(attempts: 1), count: 3))
            // Once they run, a trim finds nothing more to do.
            try await broker.trimStream()
            #expect(try await redis.xrange(stream).count == 3)
            #expect(try await redis.xpendingSummary(stream, group: "workers").count == 3)
        }
    }

    /// A cursor set past the stream's end (an id from the future) makes every entry, old or new,
    /// skipped: appending again cannot help, so the trim leaves the entries as they are (and logs an
    /// error naming the fix) instead of appending them over and over.
    @Test func aCursorPastTheStreamsEndLeavesTheEntriesAlone() async throws {
        try await withBroker { broker, redis in
            let stream = broker.keys.stream(0)
            for _ in 0..<3 { _ = try await broker.accept(submission()) }
            let before = try await redis.xrange(stream).map(\.id)
            _ = try await redis.send("XGROUP", "SETID", stream, "workers", "9999999999999-0")
            try await broker.trimStream()
            try await broker.trimStream()
            #expect(try await redis.xrange(stream).map(\.id) == before)
            // Moved back to the end, the trim appends them and they are read.
            _ = try await redis.send("XGROUP", "SETID", stream, "workers", "$")
            try await broker.trimStream()
            #expect(try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 10, block: .milliseconds(100)).count == 3)
        }
    }

    /// Redis bounds one approximate trim to 10 000 entries by default: a stream that grew
    /// faster than that between two trims would never shrink again.
    @Test func oneTrimRemovesFarMoreThanRedisDefaultBound() async throws {
        try await withBroker { broker, redis in
            try await broker.ensureIngressGroup()
            let stream = broker.keys.ingress
            for _ in 0..<30 {
                _ = try await redis.pipeline((0..<1000).map { _ in RedisCommand("XADD", [stream, "*", "envelope", "{}"]) })
            }
            var read = 0
            while read < 30_000 {
                let entries = try await broker.readIngress(using: BrokerReader(redis), consumer: "g1", count: 5000, block: .milliseconds(100))
                if entries.isEmpty { break }
                read += entries.count
                try await broker.settleIngress(acknowledging: entries.map(\.entryID), rejections: [], gateway: "g1")
            }
            #expect(read == 30_000)
            #expect(try await broker.trimIngress() != nil)
            // Whole macro nodes go (`~`): what stays is under one node's worth.
            #expect(try await redis.send("XLEN", stream).int64 ?? .max < 1000)
        }
    }
}
