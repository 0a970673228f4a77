import Foundation
import MCPBroker
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// DESIGN §10 on one Redis: jobs spread over P partitions by (client_id, request_id),
/// job ids name their partition, every step of a job stays in its partition, and
/// P is recorded in Redis and checked.
@Suite("Partitions")
struct PartitionTests {
    static func withPartitionedBroker<T>(_ count: Int, _ body: (Broker, RedisClient) async throws -> T) async throws -> T {
        try await withRedis { server in
            let redis = try server.client()
            var configuration = BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("parts"))
            configuration.partitioning = try #require(Partitioning(count: count))
            let broker = Broker(redis: redis, configuration: configuration)
            try await broker.ensureWorkerGroup()
            return try await body(broker, redis)
        }
    }

    @Test func theHashIsStableDocumentedAndOnePartitionChangesNothing() throws {
        let four = try #require(Partitioning(count: 4))
        // H = first 8 bytes of SHA-256("client-001\nreq-1"), big-endian, mod P: a fixed vector other implementations can check.
        let digest = SHA256.hash(Array("client-001\nreq-1".utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(four.partition(client: "client-001", key: "req-1") == Int(value % 4))
        #expect(Partitioning(count: 0) == nil && Partitioning(count: Partitioning.maxCount + 1) == nil)
        // Ids name their partition; with one partition they are plain random ids.
        for p in 0..<4 {
            let id = four.makeJobID(in: p)
            #expect(JobID.isValid(id) && four.partition(ofJob: id) == p)
        }
        #expect(four.partition(ofJob: "0004" + String(repeating: "a", count: 28)) == nil)  // names no partition of 4
        #expect(four.partition(ofJob: "not-a-job-id") == nil)
        #expect(Partitioning.single.partition(ofJob: "ffff" + String(repeating: "0", count: 28)) == 0)
        let spread = Set((0..<200).map { four.partition(client: "c", key: "r\($0)") })
        #expect(spread == [0, 1, 2, 3])
        let keys = BrokerKeys(prefix: "mcp")
        #expect(keys.stream(0) == "mcp:{0}:stream" && keys.job("ab", in: 0) == "mcp:{0}:job:ab" && keys.streams == ["mcp:{0}:stream"])
    }

    @Test func jobsSpreadAndEveryStepStaysInItsPartition() async throws {
        try await Self.withPartitionedBroker(4) { broker, redis in
            var jobs: [JobSubmission] = []
            for index in 0..<24 {
                let requestID = "req-\(index)"
                let job = submission(jobID: broker.makeJobID(client: "client-001", key: requestID), requestID: requestID, nonce: "n-\(index)")
                #expect(try await broker.accept(job) == .accepted(jobID: job.jobID))
                jobs.append(job)
            }
            var perPartition = [Int](repeating: 0, count: 4)
            for p in 0..<4 { perPartition[p] = Int(try await redis.send("XLEN", broker.keys.stream(p)).int64 ?? 0) }
            #expect(perPartition.reduce(0, +) == 24)
            #expect(perPartition.filter { $0 > 0 }.count >= 3, "\(perPartition)")
            for job in jobs {
                let p = try #require(broker.keys.partitioning.partition(ofJob: job.jobID))
                #expect(p == broker.keys.partitioning.partition(client: "client-001", key: job.requestID))
                #expect(try await redis.hgetall(broker.keys.job(job.jobID, in: p))["status"] == "queued")
                #expect(try await redis.get(broker.keys.request(client: "client-001", requestID: job.requestID, in: p)) == job.jobID)
            }
            // A replay lands where the original did: refused; a retried request id finds its job.
            let again = jobs[5]
            #expect(try await broker.accept(submission(jobID: broker.makeJobID(client: "client-001", key: again.requestID), requestID: again.requestID, nonce: again.nonce)) == .replayed)
            #expect(try await broker.accept(submission(jobID: broker.makeJobID(client: "client-001", key: again.requestID), requestID: again.requestID)) == .duplicate(jobID: again.jobID))
            #expect(try await broker.job(forRequest: again.requestID, client: "client-001")?.id == again.jobID)
            // One read takes jobs from every partition; each is claimed, completed and acknowledged in its own.
            var delivered: [DeliveredJob] = []
            let reader = BrokerReader(redis)
            while delivered.count < 24 {
                let batch = try await broker.readJobs(using: reader, consumer: "w1", count: 24, block: .milliseconds(200))
                #expect(!batch.isEmpty)
                if batch.isEmpty { break }
                delivered += batch
            }
            #expect(Set(delivered.map(\.partition)).count == perPartition.filter { $0 > 0 }.count)
            for job in delivered { #expect(broker.keys.partitioning.partition(ofJob: job.jobID) == job.partition) }
            #expect(try await broker.claim(delivered, worker: "w1").allSatisfy { $0 == .run(attempts: 1) })
            let stats = try await broker.stats()
            #expect(stats.pending == 24 && stats.lag == 0 && stats.streamLength == 24)
            _ = try await broker.complete(delivered.map { JobCompletion(job: $0, status: .done, resultJSON: "{}") }, worker: "w1")
            for job in jobs { #expect(try await broker.job(job.jobID)?.status == .done) }
            let after = try await broker.stats()
            #expect(after.pending == 0 && after.streamLength == 0 && after.backlog == 0)
            #expect(try await broker.backlog() == 0)
        }
    }

    @Test func retriesDeadLettersAndRedrivesStayInTheirPartition() async throws {
        try await Self.withPartitionedBroker(3) { broker, redis in
            var jobs: [JobSubmission] = []
            for index in 0..<9 {
                let job = submission(jobID: broker.makeJobID(client: "c", key: "r\(index)"), client: "c", requestID: "r\(index)")
                _ = try await broker.accept(job)
                jobs.append(job)
            }
            let delivered = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 20, block: .milliseconds(200))
            #expect(delivered.count == 9)
            _ = try await broker.claim(delivered, worker: "w1")
            // Retry the first three at once (due now), dead-letter the rest.
            for job in delivered.prefix(3) {
                #expect(try await broker.scheduleRetry(job, worker: "w1", error: JobError(code: "x", message: "y"), delay: .zero) == .done)
            }
            for job in delivered.dropFirst(3) {
                #expect(try await broker.deadLetter(job, error: JobError(code: "dead_letter", message: "out of attempts")) == .done)
            }
            let promotion = try await broker.promoteDueRetries()
            #expect(promotion.published == 3)
            let letters = try await broker.deadLetters(count: 100)
            #expect(letters.count == 6)
            #expect(letters.allSatisfy { $0.id.contains("/") })
            // Paging with an exclusive cursor walks every partition once.
            var paged: [DeadLetter] = []
            var after = "-"
            while true {
                let page = try await broker.deadLetters(count: 2, after: after)
                if page.isEmpty { break }
                paged += page
                after = "(" + (page.last?.id ?? "")
                if paged.count > 6 { break }
            }
            #expect(paged.map(\.id) == letters.map(\.id))
            let first = try #require(letters.first)
            #expect(try await broker.redrive(deadLetterID: first.id) == first.jobID)
            #expect(try await broker.redrive(deadLetterID: first.id) == nil)
            #expect(try await broker.redrive(deadLetterID: "9/0-1") == nil)  // names no partition of 3
            #expect(try await broker.redrive(deadLetterID: "1/abc") == nil)  // no stream id: not sent to Redis
            // Junk in a dead stream (no job_id, no envelope) is named and left, never half-redriven.
            let junk = try await redis.xadd(broker.keys.dead(2), fields: [StreamField(name: "error", value: "x")])
            do throws(BrokerError) {
                _ = try await broker.redrive(deadLetterID: "2/\(junk)")
                Issue.record("a dead letter without a job was redriven")
            } catch {
                #expect(error.code == .unexpectedReply && error.message.contains("cannot be redriven"), "\(error)")
            }
            #expect(try await redis.send("XDEL", broker.keys.dead(2), junk).int64 == 1)
            let stats = try await broker.stats()
            #expect(stats.deadLetters == 5 && stats.lag == 4)  // 3 retries re-published + 1 redriven
            #expect(stats.unreadable.isEmpty)

            // One partition's dead stream poisoned (a string): stats and the listing name it and go on.
            let poisoned = broker.keys.dead(1)
            let moved = try await redis.xrange(poisoned).count
            _ = try await redis.send("DEL", poisoned)
            _ = try await redis.send("SET", poisoned, "junk")
            _ = try await redis.send("SET", broker.keys.delayed(2), "junk")
            _ = try await redis.send("DEL", broker.keys.stream(2))  // read three times by a reading: named once
            _ = try await redis.send("SET", broker.keys.stream(2), "junk")
            // A member with a current score whose hash is no heartbeat (no beat_ms) is no live worker.
            _ = try await redis.send("ZADD", broker.keys.workerIndex, String(UnixTime.nowMillis()), "ghost")
            _ = try await redis.send("HSET", broker.keys.worker("ghost"), "pid", "1")
            let partial = try await broker.stats()
            #expect(partial.deadLetters == 5 - moved, "\(partial.deadLetters) \(moved)")
            #expect(partial.unreadable.count == 3 && partial.unreadable.allSatisfy { $0.contains("WRONGTYPE") }, "\(partial.unreadable)")
            #expect(!partial.workers.contains { $0.workerID == "ghost" })
            #expect(partial.unreadable.contains { $0.hasPrefix(poisoned + ":") } && partial.unreadable.contains { $0.hasPrefix(broker.keys.delayed(2) + ":") })
            let page = try await broker.deadLetterPage(count: 100)
            #expect(page.unreadable.count == 1 && page.unreadable.first?.hasPrefix(poisoned + ":") == true, "\(page.unreadable)")
            #expect(page.letters.count == 5 - moved && page.letters.allSatisfy { !$0.id.hasPrefix("1/") })
            #expect(try await redis.get(poisoned) == "junk")  // left for an operator
        }
    }

    @Test func theCountIsRecordedAndAnotherCountIsRefused() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let prefix = RedisTestServer.uniquePrefix("config")
            func broker(_ count: Int) throws -> Broker {
                var configuration = BrokerConfiguration(prefix: prefix)
                configuration.partitioning = try #require(Partitioning(count: count))
                return Broker(redis: redis, configuration: configuration)
            }
            try await broker(1).checkPartitions(record: false)  // nothing recorded yet: any count passes a read-only check
            try await broker(4).checkPartitions()
            #expect(try await redis.send("HGET", "\(prefix):config", "partitions").string == "4")
            try await broker(4).checkPartitions()
            for count in [1, 5] {
                let checked = try broker(count)
                do throws(BrokerError) {
                    try await checked.checkPartitions(record: count == 5)
                    Issue.record("a count of \(count) was accepted")
                } catch {
                    #expect(error.code == .partitionMismatch)
                    #expect(error.message.contains("--partitions 4"), "\(error.message)")
                }
            }
            #expect(try await redis.send("HGET", "\(prefix):config", "partitions").string == "4")
        }
    }

    /// What any writer left in `mcp:config` is decoded, never echoed whole nor taken for advice.
    @Test func aJunkRecordedCountIsNamedAndGivesNoWrongAdvice() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let prefix = RedisTestServer.uniquePrefix("junkcount")
            var configuration = BrokerConfiguration(prefix: prefix)
            configuration.partitioning = try #require(Partitioning(count: 6))
            let broker = Broker(redis: redis, configuration: configuration)
            _ = try await redis.send("HSET", "\(prefix):config", "partitions", "06")
            try await broker.checkPartitions()  // the number 6, however written
            for junk in ["abc", "", "0", "99999999999999999999", String(repeating: "7", count: 200_000)] {
                _ = try await redis.send("HSET", "\(prefix):config", "partitions", junk)
                do throws(BrokerError) {
                    try await broker.checkPartitions()
                    Issue.record("\(junk.prefix(20)) was taken for a count")
                } catch {
                    #expect(error.code == .partitionMismatch)
                    #expect(error.message.contains("is not a count from 1 to 1024"), "\(error.message.prefix(300))")
                    #expect(!error.message.contains("--partitions \(junk)"))
                    #expect(error.message.utf8.count < 600)
                }
            }
            _ = try await redis.send("DEL", "\(prefix):config")
            _ = try await redis.send("SET", "\(prefix):config", "6")
            do throws(BrokerError) {
                try await broker.checkPartitions()
                Issue.record("a string config was accepted")
            } catch {
                #expect(error.code == .partitionMismatch)
                #expect(error.message.contains("\(prefix):config is not a hash"), "\(error.message)")
            }
        }
    }
}
