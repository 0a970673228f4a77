import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

@Suite("Accepting a job is one atomic step")
struct AcceptTests {
    @Test func acceptWritesNonceRequestJobAndStreamEntry() async throws {
        try await withBroker { broker, redis in
            let job = submission(requestID: "req-1", nonce: "nonce-1", replyTo: "gw-1")
            #expect(try await broker.accept(job) == .accepted(jobID: job.jobID))
            let hash = try await redis.hgetall(broker.keys.job(job.jobID))
            #expect(hash["status"] == "queued")
            #expect(hash["client_id"] == "client-001")
            #expect(hash["request_id"] == "req-1")
            #expect(hash["attempts"] == "0")
            let nonceTTL = try await redis.send("PTTL", broker.keys.nonce(client: "client-001", nonce: "nonce-1", in: 0)).int64 ?? 0
            #expect(nonceTTL > 0 && nonceTTL <= broker.configuration.nonceTTL.components.seconds * 1000)
            #expect(try await redis.get(broker.keys.request(client: "client-001", requestID: "req-1", in: 0)) == job.jobID)
            let entries = try await redis.xrange(broker.keys.stream(0))
            #expect(entries.count == 1)
            #expect(entries[0]["job_id"] == job.jobID)
            #expect(entries[0]["envelope"] == job.envelopeJSON)
            #expect(entries[0]["attempt"] == "1")
            #expect(entries[0]["reply_to"] == "gw-1")
            #expect(try await redis.send("TTL", broker.keys.job(job.jobID)).int64 == -1)  // a queued job never expires
        }
    }

    @Test func aUsedNonceIsRefusedAndChangesNothing() async throws {
        try await withBroker { broker, redis in
            _ = try await broker.accept(submission(nonce: "n"))
            let before = try await snapshot(broker, redis)
            #expect(try await broker.accept(submission(nonce: "n")) == .replayed)
            #expect(try await snapshot(broker, redis) == before)
            // The same nonce from another client is that client's own.
            #expect(try await broker.accept(submission(client: "client-002", nonce: "n")) != .replayed)
        }
    }

    @Test func aRepeatedRequestIDReturnsTheFirstJob() async throws {
        try await withBroker { broker, redis in
            let first = submission(requestID: "same")
            _ = try await broker.accept(first)
            let second = submission(requestID: "same")
            #expect(try await broker.accept(second) == .duplicate(jobID: first.jobID))
            #expect(try await redis.xrange(broker.keys.stream(0)).count == 1)
            #expect(try await redis.hgetall(broker.keys.job(second.jobID)).isEmpty)
            #expect(try await broker.job(forRequest: "same", client: "client-001")?.id == first.jobID)
            #expect(try await broker.job(forRequest: "same", client: "client-002") == nil)
        }
    }

    /// A request record that outlived its job (a worker user that may not set its expiry, or a job
    /// hash deleted by hand) names nothing: the next call with the id is a new job, as after the
    /// retention, instead of a 404 for ever; a record whose job exists still answers `duplicate`.
    @Test func aRecordWhoseJobIsGoneIsTakenOverByTheNextCall() async throws {
        try await withBroker { broker, redis in
            let first = submission(requestID: "orphan", fingerprint: "aaaa")
            _ = try await broker.accept(first)
            _ = try await redis.send("DEL", broker.keys.job(first.jobID))
            let next = submission(requestID: "orphan", fingerprint: "bbbb")
            #expect(try await broker.accept(next) == .accepted(jobID: next.jobID))
            #expect(try await broker.job(forRequest: "orphan", client: "client-001")?.id == next.jobID)
            #expect(try await broker.accept(submission(requestID: "orphan", fingerprint: "bbbb")) == .duplicate(jobID: next.jobID))
            // A job key holding another type is no missing job: the record stands.
            _ = try await redis.send("DEL", broker.keys.job(next.jobID))
            _ = try await redis.send("SET", broker.keys.job(next.jobID), "poison")
            #expect(try await broker.accept(submission(requestID: "orphan", fingerprint: "cccc")) == .duplicate(jobID: next.jobID))
        }
    }

    @Test func aRequestIDSentAgainForAnotherCallIsRefusedAndChangesNothing() async throws {
        try await withBroker { broker, redis in
            let first = submission(requestID: "same", fingerprint: "aaaa")
            #expect(try await broker.accept(first) == .accepted(jobID: first.jobID))
            #expect(try await redis.hgetall(broker.keys.job(first.jobID))["fingerprint"] == "aaaa")
            let before = try await snapshot(broker, redis)
            let other = submission(requestID: "same", nonce: "other-call", fingerprint: "bbbb")
            #expect(try await broker.accept(other) == .reused(jobID: first.jobID))
            // Only its nonce stays spent, so the refused envelope can never run, even once the record expires.
            let nonce = broker.keys.nonce(client: "client-001", nonce: "other-call", in: 0)
            #expect(try await redis.get(nonce) == "1")
            let after = try await snapshot(broker, redis)
            #expect(after.contains(nonce) && after.filter { $0 != nonce } == before)
            #expect(try await redis.hgetall(broker.keys.job(first.jobID))["fingerprint"] == "aaaa")
            _ = try await redis.send("DEL", broker.keys.request(client: "client-001", requestID: "same", in: 0))
            #expect(try await broker.accept(other) == .replayed)
            // The same call again is a retry.
            _ = try await redis.send("SET", broker.keys.request(client: "client-001", requestID: "same", in: 0), first.jobID)
            #expect(try await broker.accept(submission(requestID: "same", fingerprint: "aaaa")) == .duplicate(jobID: first.jobID))
            // A job recorded without a fingerprint (by an earlier release, or `/mcp`) matches any call.
            let old = submission(requestID: "old")
            _ = try await broker.accept(old)
            #expect(try await redis.hgetall(broker.keys.job(old.jobID))["fingerprint"] == nil)
            #expect(try await broker.accept(submission(requestID: "old", fingerprint: "cccc")) == .duplicate(jobID: old.jobID))
        }
    }

    @Test func concurrentAcceptsOfOneNonceLetExactlyOneThrough() async throws {
        try await withBroker { (broker: Broker, _: RedisClient) async throws in
            let outcomes = try await withThrowingTaskGroup(of: AcceptOutcome.self) { group in
                for _ in 0..<50 { group.addTask { try await broker.accept(submission(nonce: "race")) } }
                return try await group.reduce(into: [AcceptOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .accepted = $0 { true } else { false } }.count == 1)
            #expect(outcomes.filter { $0 == .replayed }.count == 49)
        }
    }

    @Test func theAcceptFunctionSurvivesAFunctionFlush() async throws {
        try await withBroker { broker, redis in
            try await redis.send("FUNCTION", "FLUSH")
            let job = submission()
            #expect(try await broker.accept(job) == .accepted(jobID: job.jobID))
        }
    }
}
