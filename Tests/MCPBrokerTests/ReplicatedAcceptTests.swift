import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

/// `--durability replicated` at the broker: concurrent accepts share one `WAIT` per round
/// instead of queueing behind each other's (with no replica, the k-th answered after k ×
/// the timeout), and what a round confirms is recorded in each job.
@Suite("Replicated accepts share their WAIT")
struct ReplicatedAcceptTests {
    private static func replicatedBroker(_ redis: RedisClient, timeout: Duration) -> Broker {
        var configuration = BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("replicated"))
        configuration.durability = .replicated
        configuration.replicationTimeout = timeout
        return Broker(redis: redis, configuration: configuration)
    }

    private static func waitCalls(_ redis: RedisClient) async throws -> Int {
        let stats = try await redis.send("INFO", "commandstats").string ?? ""
        let line = stats.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_wait:") } ?? ""
        let calls = line.split(separator: ",").first { $0.hasPrefix("cmdstat_wait:calls=") }
        return calls.flatMap { Int($0.dropFirst("cmdstat_wait:calls=".count)) } ?? 0
    }

    /// Eight accepts at once on a primary without a replica: each is refused `not_replicated`,
    /// after at most two rounds of `WAIT` between them (the old code sent eight, one after another).
    @Test func concurrentAcceptsWithoutAReplicaShareTwoRoundsAtMost() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let broker = Self.replicatedBroker(redis, timeout: .seconds(2))
            try await broker.ensureWorkerGroup()
            _ = try await redis.send("CONFIG", "RESETSTAT")
            let outcomes = await withTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        do throws(BrokerError) {
                            _ = try await broker.accept(submission(requestID: "concurrent-\(index)"))
                            return "accepted"
                        } catch {
                            return error.code == .notReplicated ? "not_replicated" : "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes == Array(repeating: "not_replicated", count: 8), "\(outcomes)")
            let rounds = try await Self.waitCalls(redis)
            #expect(rounds >= 1 && rounds <= 2, "\(rounds) WAITs for 8 concurrent accepts")
            // Each job was stored (the retry with its request_id returns it) but not recorded as replicated.
            for index in 0..<8 {
                let job = try await broker.job(forRequest: "concurrent-\(index)", client: "client-001")
                #expect(job != nil && job?.durability == nil, "\(String(describing: job))")
            }
        }
    }

    /// Many partitions on one server share its rounds: 16 accepts spread over 8 partitions without a
    /// replica need at most two `WAIT`s (rounds per partition queued on the one connection: P × the timeout).
    @Test func partitionsOnOneServerShareTheirRounds() async throws {
        try await withRedis { server in
            let redis = try server.client()
            var configuration = BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("replicated"))
            configuration.durability = .replicated
            configuration.replicationTimeout = .seconds(2)
            configuration.partitioning = try #require(Partitioning(count: 8))
            let broker = Broker(redis: redis, configuration: configuration)
            try await broker.ensureWorkerGroup()
            _ = try await redis.send("CONFIG", "RESETSTAT")
            let outcomes = await withTaskGroup(of: String.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        let requestID = "spread-\(index)"
                        let job = submission(jobID: broker.makeJobID(client: "client-001", key: requestID), requestID: requestID)
                        do throws(BrokerError) {
                            _ = try await broker.accept(job)
                            return "accepted"
                        } catch {
                            return error.code == .notReplicated ? "not_replicated" : "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes == Array(repeating: "not_replicated", count: 16), "\(outcomes)")
            let partitions = Set((0..<16).compactMap { broker.keys.partitioning.partition(ofJob: broker.makeJobID(client: "client-001", key: "spread-\($0)")) })
            #expect(partitions.count > 2, "the requests spread over partitions: \(partitions)")
            let rounds = try await Self.waitCalls(redis)
            #expect(rounds >= 1 && rounds <= 2, "\(rounds) WAITs for 16 accepts over \(partitions.count) partitions")
        }
    }

    /// With a replica, concurrent accepts and the confirmation of an older job are answered and
    /// recorded `replicated`, and the replica holds each job.
    @Test func concurrentAcceptsWithAReplicaAreRecordedReplicated() async throws {
        let primary = try await RedisTestServer.start(useExternal: false, tcp: true)
        try await withCleanup {
            let redis = try primary.client()
            let port = try #require(primary.tcpPort)
            let replica = try await RedisTestServer.start(extraArguments: ["--replicaof", "127.0.0.1", String(port)], useExternal: false)
            let replicaClient = try replica.client()
            try await withCleanup {
                #expect(await eventually(timeout: .seconds(20)) {
                    let seen = (try? await redis.send("INFO", "replication").string) ?? ""
                    return seen.contains("state=online")
                })
                let broker = Self.replicatedBroker(redis, timeout: .seconds(5))
                try await broker.ensureWorkerGroup()
                let jobs = (0..<8).map { submission(requestID: "replicated-\($0)") }
                let outcomes = try await withThrowingTaskGroup(of: AcceptOutcome.self) { group in
                    for job in jobs { group.addTask { try await broker.accept(job) } }
                    return try await group.reduce(into: [AcceptOutcome]()) { $0.append($1) }
                }
                #expect(outcomes.count == jobs.count)
                for job in jobs { #expect(outcomes.contains(.accepted(jobID: job.jobID)), "\(outcomes)") }
                for job in jobs {
                    #expect(try await redis.hgetall(broker.keys.job(job.jobID))["durability"] == "replicated")
                    #expect(try await replicaClient.hgetall(broker.keys.job(job.jobID))["tool"] == "echo")
                }
                // A duplicate is confirmed too (its marker rewrites the nonce it spent).
                #expect(try await broker.accept(submission(requestID: "replicated-0")) == .duplicate(jobID: jobs[0].jobID))
            } cleanup: {
                await replica.stop()
            }
        } cleanup: {
            await primary.stop()
        }
    }
}
