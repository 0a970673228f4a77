import MCPBroker
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// Values any Redis writer can leave behind: none may trap a process, each is
/// decoded into something safe (hardening issue, faults 1, 2, 6, 13).
@Suite("Poison values read from Redis")
struct PoisonValueTests {
    @Test func streamIDsDecodeWithoutOverflow() {
        #expect(StreamID("18446744073709551615-18446744073709551615") == .max)
        #expect(StreamID.max.successor == nil)
        #expect(StreamID("18446744073709551614-18446744073709551615")?.successor == StreamID(milliseconds: .max, sequence: 0))
        #expect(StreamID("5-3")?.successor?.description == "5-4")
        #expect(StreamID("7") == StreamID(milliseconds: 7, sequence: 0))
        for bad in ["", "-", "1-", "-1", "1-2-3", "18446744073709551616-0", "a-1", "1-+2", " 1-2", "０-1"] {
            #expect(StreamID(bad) == nil, "\(bad) must not decode")
        }
        #expect(StreamID("2-0")! > StreamID("1-18446744073709551615")!)
    }

    /// Fault 1: an ingress entry with the largest possible id made every trim trap.
    @Test func trimmingAStreamWhoseLastIDIsTheLargestPossibleDoesNotTrap() async throws {
        try await withBroker { broker, redis in
            try await broker.ensureIngressGroup()
            _ = try await redis.send(RedisCommand("XADD", [broker.keys.ingress, "5-0", "envelope", "{}"])).orThrow()
            _ = try await redis.send(RedisCommand("XADD", [broker.keys.ingress, "18446744073709551615-18446744073709551615", "envelope", "{}"])).orThrow()
            let read = try await broker.readIngress(using: BrokerReader(redis), consumer: "gw", count: 16, block: .milliseconds(10))
            #expect(read.map(\.entryID) == ["5-0", "18446744073709551615-18446744073709551615"])
            try await broker.settleIngress(acknowledging: read.map(\.entryID), rejections: [], gateway: "gw")
            let keptFrom = try await broker.trimIngress()
            #expect(keptFrom == "18446744073709551615-18446744073709551615")  // nothing can follow it: keep it
            #expect(try await broker.trimIngress() != nil)  // and again: no crash loop
        }
    }

    /// Fault 2: `progress` of `nan` crashed the gateway's percentage; every number reads as a safe value.
    @Test func aJobHashWithPoisonNumbersDecodesToSafeValues() async throws {
        try await withBroker { broker, redis in
            let jobID = JobID.make()
            guard case .accepted = try await broker.accept(submission(jobID: jobID)) else {
                Issue.record("not accepted")
                return
            }
            for (progress, expected) in [("nan", 0.0), ("inf", 0.0), ("-inf", 0.0), ("1e309", 0.0), ("7", 1.0), ("-3", 0.0), ("0.25", 0.25), ("x", 0.0)] {
                _ = try await redis.hset(broker.keys.job(jobID), [("progress", progress), ("attempts", "-99999999999999999999999"), ("created_ms", "1e99")])
                let record = try #require(try await broker.job(jobID))
                #expect(record.progress == expected, "progress \(progress)")
                #expect(record.attempts == 0)
                #expect(record.progress.isFinite)
                _ = CanonicalJSON.string(.object(record.json()))
            }
        }
    }

    /// Fault 6: a delayed retry scored `+inf` killed both workers; it is now reported as poison and repaired.
    @Test func aDelayedRetryWithAnAbsurdDueTimeIsRepairedNotTrappedOn() async throws {
        try await withBroker { broker, redis in
            let job = try await ReliabilityScriptTests.runOne(broker, redis)
            _ = try await broker.scheduleRetry(job, worker: "w1", error: JobError(code: "flaky", message: "again"), delay: .seconds(60))
            for score in ["+inf", "1e300", "9223372036854775807"] {
                _ = try await redis.send(RedisCommand("ZADD", [broker.keys.delayed(0), score, job.jobID])).orThrow()
                let promotion = try await broker.promoteDueRetries()
                #expect(promotion.published == 0)
                #expect(promotion.poisonJobID == job.jobID, "score \(score)")
                #expect(promotion.nextDueMs == nil)
            }
            try await broker.makeRetryDue(jobID: job.jobID)
            #expect(try await broker.promoteDueRetries().published == 1)  // repaired: the job runs again
            _ = try await redis.send(RedisCommand("ZADD", [broker.keys.delayed(0), "-inf", "no-such-job"])).orThrow()
            #expect(try await broker.promoteDueRetries().next == nil)  // a past score is just due
        }
    }

    @Test func aStreamOfAnotherTypeRefusesAcceptsRetriesAndRedrivesWithoutWritingAnything() async throws {
        try await withBroker { broker, redis in
            // A retry waiting and a dead letter, before the stream is poisoned.
            let retried = try await ReliabilityScriptTests.runOne(broker, redis)
            _ = try await broker.scheduleRetry(retried, worker: "w1", error: JobError(code: "flaky", message: "again"), delay: .zero)
            let stream = broker.keys.stream(0)
            _ = try await redis.send("DEL", stream)
            _ = try await redis.send("SET", stream, "junk")
            func keys() async throws -> [String] {  // KEYS leaves out keys whose expiry has passed
                (try await redis.send("KEYS", "\(broker.keys.prefix):*").array ?? []).compactMap(\.string).sorted()
            }
            let before = try await keys()

            // An accept into it: refused as poison, and its nonce, request record and job hash taken back.
            let job = submission(requestID: "poisoned-1")
            do throws(BrokerError) {
                _ = try await broker.accept(job)
                Issue.record("an accept into a stream of another type succeeded")
            } catch {
                #expect(error.isPoisonValue, "\(error)")
                #expect(error.message.contains(stream), "the refusal names the stream: \(error)")
            }
            // The retry stays in the delayed set rather than leave it for a stream that refuses it.
            do throws(BrokerError) {
                _ = try await broker.promoteDueRetries()
                Issue.record("a promotion into a stream of another type succeeded")
            } catch {
                #expect(error.isPoisonValue, "\(error)")
            }
            #expect(try await redis.send("ZSCORE", broker.keys.delayed(0), retried.jobID).isNull == false)
            #expect(await eventually { (try? await keys()) == before }, "a refused step left keys behind")

            // Repaired: the same request is accepted and published, the retry runs again.
            _ = try await redis.send("DEL", stream)
            try await broker.ensureWorkerGroup()
            #expect(try await broker.accept(submission(jobID: job.jobID, requestID: "poisoned-1", nonce: job.nonce)) == .accepted(jobID: job.jobID))
            #expect(try await broker.promoteDueRetries().published == 1)
            #expect(try await redis.xrange(stream).count == 2)  // the accepted job and the retry
        }
    }

    /// A refused accept takes back its nonce and request record by expiring them in 1 ms; a retry
    /// inside that millisecond met them and was answered `replayed` or a duplicate of job "" (a 404).
    /// Here the taken-back values linger for 10 s: the same nonce and request id are accepted.
    @Test func aNonceAndRequestRecordTakenBackByARefusedAcceptAreAsGoodAsAbsent() async throws {
        try await withBroker { broker, redis in
            let job = submission(requestID: "taken-back", nonce: "taken-back-nonce")
            _ = try await redis.send(RedisCommand("SET", [broker.keys.nonce(client: job.clientID, nonce: job.nonce, in: 0), "", "PX", "10000"])).orThrow()
            _ = try await redis.send(RedisCommand("SET", [broker.keys.request(client: job.clientID, requestID: job.requestID, in: 0), "", "PX", "10000"])).orThrow()
            #expect(try await broker.accept(job) == .accepted(jobID: job.jobID))
            #expect(try await redis.get(broker.keys.request(client: job.clientID, requestID: job.requestID, in: 0)) == job.jobID)
            #expect(try await redis.get(broker.keys.nonce(client: job.clientID, nonce: job.nonce, in: 0)) == "1")
            // Spent for real now: the same nonce is a replay, the same request id a duplicate.
            #expect(try await broker.accept(job) == .replayed)
            #expect(try await broker.accept(submission(requestID: "taken-back")) == .duplicate(jobID: job.jobID))
        }
    }

    /// A retry whose stream (or delayed set) is of another type writes nothing: before, the job was
    /// queued in the delayed set and its delivery left pending, so the retry and the lease's reclaim both ran it.
    @Test func aRetryIntoAStreamOrDelayedSetOfAnotherTypeLeavesTheJobRunning() async throws {
        for poisoned in ["stream", "delayed"] {
            try await withBroker { broker, redis in
                let running = try await ReliabilityScriptTests.runOne(broker, redis)
                let key = poisoned == "stream" ? broker.keys.stream(0) : broker.keys.delayed(0)
                _ = try await redis.send("DEL", key)
                _ = try await redis.send("SET", key, "junk")
                let before = try await redis.hgetall(broker.keys.job(running.jobID))
                do throws(BrokerError) {
                    _ = try await broker.scheduleRetry(running, worker: "w1", error: JobError(code: "flaky", message: "again"), delay: .zero)
                    Issue.record("a retry into a \(poisoned) of another type succeeded")
                } catch {
                    #expect(error.isPoisonValue, "\(error)")
                }
                #expect(try await redis.hgetall(broker.keys.job(running.jobID)) == before)
                #expect(before["status"] == "running")
                if poisoned == "stream" {
                    #expect(try await redis.send("ZCARD", broker.keys.delayed(0)).int64 == 0)
                }
            }
        }
    }

    /// Fault 13: with clients `a` and `a:b`, keys collided; the request lookup also checks the owner.
    @Test func aRequestRecordPointingAtAnotherClientsJobIsNotReturned() async throws {
        try await withBroker { broker, redis in
            let jobID = JobID.make()
            _ = try await broker.accept(submission(jobID: jobID, client: "a", requestID: "r1"))
            #expect(try await broker.job(forRequest: "r1", client: "a")?.id == jobID)
            // A record under another client's name pointing at a's job (what a collision produced).
            _ = try await redis.send(RedisCommand("SET", [broker.keys.request(client: "b", requestID: "r1", in: 0), jobID])).orThrow()
            #expect(try await broker.job(forRequest: "r1", client: "b") == nil)
        }
    }
}

extension RetryPromotion {
    /// The job id of a poison next retry.
    var poisonJobID: String? {
        if case .poison(let jobID, _) = next { return jobID }
        return nil
    }
}
