import Foundation
import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

/// A worker's job reads on a real Redis Cluster (DESIGN §10.4, `ClusterJobFeed`): one
/// blocking read stands per partition, so a job is handed over the moment it lands in
/// any partition; what the reads deliver beyond the room asked for is handed out
/// first, each job exactly once; an idle worker holds one blocked connection per partition.
@Suite("Cluster job feed")
struct ClusterJobFeedTests {
    static let partitions = 6

    static func withClusterBroker<T>(_ body: (Broker, RedisTestCluster) async throws -> T) async throws -> T {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            var configuration = BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("feed"))
            configuration.partitioning = try #require(Partitioning(count: partitions))
            let broker = Broker(redis: try cluster.client(commandTimeout: .seconds(5)), configuration: configuration)
            try await broker.ensureWorkerGroup()
            return try await body(broker, cluster)
        }
    }

    /// Accepts a job whose request id maps to partition `p`.
    static func accept(in p: Int, _ broker: Broker, tag: String) async throws -> String {
        let requestID = try #require((0..<10_000).lazy.map { "\(tag)-\($0)" }.first { broker.keys.partitioning.partition(client: "c", key: $0) == p })
        let job = submission(jobID: broker.makeJobID(client: "c", key: requestID), client: "c", requestID: requestID)
        #expect(try await broker.accept(job) == .accepted(jobID: job.jobID))
        return job.jobID
    }

    /// What another worker (`consumer`, a reader of its own) reads first, within 20 s (empty if nothing came).
    static func firstJobs(of broker: Broker, consumer: String) async throws -> [DeliveredJob] {
        let reader = broker.makeReader(commandTimeout: .seconds(5))
        defer { reader.close() }
        let deadline = ContinuousClock.now + .seconds(20)
        var got: [DeliveredJob] = []
        while got.isEmpty && ContinuousClock.now < deadline {
            got = try await broker.readJobs(using: reader, consumer: consumer, count: 4, block: .seconds(1))
        }
        return got
    }

    /// Clients blocked on every primary, summed (`INFO clients`).
    static func blockedClients(_ cluster: RedisTestCluster) async throws -> Int {
        var total = 0
        for port in try await cluster.primaryPorts() {
            total += Int(try await cluster.info("blocked_clients", section: "clients", on: port) ?? "") ?? 0
        }
        return total
    }

    static func waitForBlocked(_ count: Int, _ cluster: RedisTestCluster) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await blockedClients(cluster) < count {
            guard ContinuousClock.now < deadline else { Issue.record("fewer than \(count) reads blocked after 20 s"); return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func aJobInAnyPartitionEndsTheReadThatWaitsForIt() async throws {
        try await Self.withClusterBroker { broker, cluster in
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            for p in 0..<Self.partitions {
                // One read with a long block: every partition has a read standing before the job lands.
                async let read = broker.readJobs(using: reader, consumer: "w1", count: 4, block: .seconds(60))
                try await Self.waitForBlocked(Self.partitions, cluster)
                let jobID = try await Self.accept(in: p, broker, tag: "lone\(p)")
                let delivered = try await read
                #expect(delivered.map(\.jobID) == [jobID], "partition \(p)")
                #expect(delivered.first?.partition == p)
                _ = try await broker.claim(delivered, worker: "w1")
                _ = try await broker.complete(delivered.map { JobCompletion(job: $0, status: .done, resultJSON: "{}") }, worker: "w1")
            }
            // An idle reader holds one blocked connection per partition, no more; interrupt ends the wait with nothing.
            async let idle = broker.readJobs(using: reader, consumer: "w1", count: 4, block: .seconds(60))
            try await Self.waitForBlocked(Self.partitions, cluster)
            #expect(try await Self.blockedClients(cluster) == Self.partitions)
            reader.interrupt()
            #expect(try await idle.isEmpty)
            let deadline = ContinuousClock.now + .seconds(10)
            while try await Self.blockedClients(cluster) > 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(try await Self.blockedClients(cluster) == 0, "interrupt ends every standing read")
        }
    }

    @Test func everyJobIsHandedOutOnceAndNoReadAsksForMoreThanTheRoom() async throws {
        try await Self.withClusterBroker { broker, cluster in
            var accepted = Set<String>()
            for p in 0..<Self.partitions {
                for index in 0..<3 { accepted.insert(try await Self.accept(in: p, broker, tag: "busy\(p).\(index)")) }
            }
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            var seen: [String] = []
            for _ in 0..<(accepted.count * 2) where seen.count < accepted.count {
                let batch = try await broker.readJobs(using: reader, consumer: "w1", count: 2, block: .seconds(5))
                #expect(batch.count <= 2, "never more than the room asked for")
                seen += batch.map(\.jobID)
            }
            #expect(seen.count == accepted.count && Set(seen) == accepted, "each job exactly once")
            // Delivered but never handed out: none left here, and every job is in w1's pending list once.
            #expect(reader.leftoverJobs().isEmpty)
            let stats = try await broker.stats()
            #expect(stats.pending == accepted.count && stats.lag == 0)
        }
    }

    @Test func aFullWorkerHandsBackWhatItsStandingReadsReceive() async throws {
        try await Self.withClusterBroker { broker, cluster in
            let busy = broker.makeReader(commandTimeout: .seconds(5))
            defer { busy.close() }
            // w1 asks for one job: its reads stand on every partition; the first job fills it.
            async let first = broker.readJobs(using: busy, consumer: "w1", count: 1, block: .seconds(60))
            try await Self.waitForBlocked(Self.partitions, cluster)
            let running = try await Self.accept(in: 0, broker, tag: "first")
            #expect(try await first.map(\.jobID) == [running])
            try await Self.waitForBlocked(Self.partitions - 1, cluster)
            // While w1 is full, a job lands where w1's read stands: w1 takes delivery and hands it back.
            let second = try await Self.accept(in: 3, broker, tag: "second")
            let got = try await Self.firstJobs(of: broker, consumer: "w2")
            #expect(got.map(\.jobID) == [second], "the idle worker runs the job the busy one received")
            #expect(got.first?.partition == 3)
            #expect(busy.leftoverJobs().isEmpty)
            // w1's pending list holds only the job it runs; w2's the handed-back one, delivered once to it.
            let pending = try await broker.redis.xpending(broker.keys.stream(3), group: broker.keys.workerGroup, count: 10)
            #expect(pending.map(\.consumer) == ["w2"] && pending.first?.deliveries == 1, "\(pending)")
            #expect(try await broker.redis.xpending(broker.keys.stream(0), group: broker.keys.workerGroup, count: 10).map(\.consumer) == ["w1"])
        }
    }

    @Test func jobsBeyondTheRoomGoBackForOtherWorkers() async throws {
        try await Self.withClusterBroker { broker, cluster in
            // Two jobs wait in two partitions; w1 has room for one: its reads take both, it keeps one and hands one back.
            let waiting = [try await Self.accept(in: 1, broker, tag: "one"), try await Self.accept(in: 2, broker, tag: "two")]
            let busy = broker.makeReader(commandTimeout: .seconds(5))
            defer { busy.close() }
            let kept = try await broker.readJobs(using: busy, consumer: "w1", count: 1, block: .seconds(5))
            #expect(kept.count == 1)
            let got = try await Self.firstJobs(of: broker, consumer: "w2")
            #expect(Set(kept.map(\.jobID) + got.map(\.jobID)) == Set(waiting) && got.count == 1, "kept \(kept), w2 got \(got)")
            #expect(busy.leftoverJobs().isEmpty)
        }
    }
}
