import Foundation
import MCPBroker
import RedisClient
import RedisTestSupport
import Synchronization
import Testing

/// A worker's job reads on a real Redis Cluster (DESIGN §10.4, `ClusterJobFeed`): the
/// worker listens to the partitions' bells (one subscriber connection per primary, no
/// blocking read) and reads the partitions that rang, so a job is handed over the moment
/// it lands in any partition; no read delivers more than the room asked for; a busy
/// partition delays no other; a bell follows its slot to another node.
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

    /// Lets every primary keep serving while some slot is unserved (the tests delete one).
    static func servePartialCoverage(_ cluster: RedisTestCluster) async throws {
        for port in try await cluster.primaryPorts() {
            _ = try await cluster.node(port).send("CONFIG", "SET", "cluster-require-full-coverage", "no")
        }
    }

    /// Accepts a job whose request id maps to partition `p`.
    static func accept(in p: Int, _ broker: Broker, tag: String) async throws -> String {
        let requestID = try #require((0..<10_000).lazy.map { "\(tag)-\($0)" }.first { broker.keys.partitioning.partition(client: "c", key: $0) == p })
        let job = submission(jobID: broker.makeJobID(client: "c", key: requestID), client: "c", requestID: requestID)
        #expect(try await broker.accept(job) == .accepted(jobID: job.jobID))
        return job.jobID
    }

    /// Accepts a job in each of `partitions` and expects worker `w1` to read exactly those within 30 s.
    static func expectEveryJobRead(in partitions: [Int], of broker: Broker, by reader: BrokerReader) async throws {
        var expected = Set<String>()
        for p in partitions { expected.insert(try await accept(in: p, broker, tag: "p\(p)")) }
        var read = Set<String>()
        let deadline = ContinuousClock.now + .seconds(30)
        while read != expected && ContinuousClock.now < deadline {
            for job in try await broker.readJobs(using: reader, consumer: "w1", count: 16, block: .seconds(1)) { read.insert(job.jobID) }
        }
        #expect(read == expected)
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

    /// Connections subscribed to shard channels, by primary (`CLIENT LIST`'s `ssub=`), and the channels they hold.
    static func subscribers(_ cluster: RedisTestCluster) async throws -> (connections: [Int: Int], channels: Int) {
        var connections = [Int: Int]()
        var channels = 0
        for port in try await cluster.primaryPorts() {
            let list = try await cluster.node(port).send("CLIENT", "LIST").string ?? ""
            for line in list.split(separator: "\n") {
                guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("ssub=") }),
                    let count = Int(field.dropFirst("ssub=".count)), count > 0
                else { continue }
                connections[port, default: 0] += 1
                channels += count
            }
        }
        return (connections, channels)
    }

    /// Waits (bounded) until every partition's bell is subscribed on some primary.
    static func waitForBells(_ cluster: RedisTestCluster) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await subscribers(cluster).channels < partitions {
            guard ContinuousClock.now < deadline else { Issue.record("fewer than \(partitions) bells subscribed after 20 s"); return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func aJobInAnyPartitionEndsTheWaitForIt() async throws {
        try await Self.withClusterBroker { broker, cluster in
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            for p in 0..<Self.partitions {
                // One read with a long block: without the bell it would come back empty after 60 s.
                async let read = broker.readJobs(using: reader, consumer: "w1", count: 4, block: .seconds(60))
                try await Self.waitForBells(cluster)
                let jobID = try await Self.accept(in: p, broker, tag: "lone\(p)")
                let delivered = try await read
                #expect(delivered.map(\.jobID) == [jobID], "partition \(p)")
                #expect(delivered.first?.partition == p)
                _ = try await broker.claim(delivered, worker: "w1")
                _ = try await broker.complete(delivered.map { JobCompletion(job: $0, status: .done, resultJSON: "{}") }, worker: "w1")
            }
            // An idle reader blocks no read and holds one subscriber connection per primary that serves a bell.
            async let idle = broker.readJobs(using: reader, consumer: "w1", count: 4, block: .seconds(60))
            try await Self.waitForBells(cluster)
            var owners = Set<Int>()
            for p in 0..<Self.partitions { owners.insert(try await cluster.port(owningSlot: ClusterKeySlot.slot(of: broker.keys.bell(p)))) }
            let (connections, channels) = try await Self.subscribers(cluster)
            #expect(Set(connections.keys) == owners && connections.values.allSatisfy { $0 == 1 }, "\(connections)")
            #expect(channels == Self.partitions)
            #expect(try await Self.blockedClients(cluster) == 0)
            reader.interrupt()
            #expect(try await idle.isEmpty)
            reader.close()
            let deadline = ContinuousClock.now + .seconds(10)
            while try await Self.subscribers(cluster).channels > 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(try await Self.subscribers(cluster).channels == 0, "close ends every subscription")
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
            // Every job is in w1's pending list once: nothing was delivered that was not handed out.
            let stats = try await broker.stats()
            #expect(stats.pending == accepted.count && stats.lag == 0)
        }
    }

    @Test func aBusyPartitionDelaysNoOther() async throws {
        try await Self.withClusterBroker { broker, cluster in
            for index in 0..<10 { _ = try await Self.accept(in: 0, broker, tag: "flood\(index)") }
            let lone = try await Self.accept(in: 3, broker, tag: "lone")
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            var seen: [String] = []
            // Partitions are read in turn and a full one goes to the back: the lone job comes within P / room calls.
            for _ in 0..<(Self.partitions / 2) where !seen.contains(lone) {
                seen += try await broker.readJobs(using: reader, consumer: "w1", count: 2, block: .seconds(5)).map(\.jobID)
            }
            #expect(seen.contains(lone), "partition 3's job waited behind partition 0's flood: \(seen.count) jobs read first")
        }
    }

    @Test func aBellFollowsItsSlotToAnotherNode() async throws {
        try await Self.withClusterBroker { broker, cluster in
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            let slot = ClusterKeySlot.slot(of: broker.keys.bell(2))
            let source = try await cluster.port(owningSlot: slot)
            let target = try #require(try await cluster.primaryPorts().first { $0 != source })
            async let read = broker.readJobs(using: reader, consumer: "w1", count: 4, block: .seconds(60))
            try await Self.waitForBells(cluster)
            // Moving the slot ends the subscription on the source (`sunsubscribe`); the feed subscribes on the target.
            try await cluster.migrateSlot(slot, to: target)
            let deadline = ContinuousClock.now + .seconds(20)
            while try await Self.subscribers(cluster).channels < Self.partitions {
                guard ContinuousClock.now < deadline else { Issue.record("the bell was not subscribed on the slot's new node within 20 s"); break }
                try await Task.sleep(for: .milliseconds(5))
            }
            let jobID = try await Self.accept(in: 2, broker, tag: "moved")
            #expect(try await read.map(\.jobID) == [jobID], "the job rang the bell on its new node")
        }
    }

    /// A poison value or a lost group in one partition costs only that partition: the jobs of
    /// the others are read (and none delivered is dropped), a lost group is made again, and
    /// making the groups at start skips the poisoned stream instead of failing every partition.
    @Test func onePartitionRefusedByRedisHoldsBackNoOther() async throws {
        try await Self.withClusterBroker { broker, cluster in
            let redis = try cluster.client(commandTimeout: .seconds(5))
            defer { redis.close() }
            _ = try await redis.send("DEL", broker.keys.stream(1))
            _ = try await redis.send("SET", broker.keys.stream(1), "not a stream")
            _ = try await redis.send("XGROUP", "DESTROY", broker.keys.stream(2), broker.keys.workerGroup)
            try await broker.ensureWorkerGroup()  // skips partition 1, logs it; makes partition 2's group again
            _ = try await redis.send("XGROUP", "DESTROY", broker.keys.stream(2), broker.keys.workerGroup)  // lost again, mid-run

            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            try await Self.expectEveryJobRead(in: [0, 3, 4, 5], of: broker, by: reader)
            // Partition 2's group was made again by the read that found it gone: a job there is read too.
            let late = try await Self.accept(in: 2, broker, tag: "late")
            var again: [DeliveredJob] = []
            let until = ContinuousClock.now + .seconds(20)
            while again.isEmpty && ContinuousClock.now < until {
                again = try await broker.readJobs(using: reader, consumer: "w1", count: 16, block: .seconds(1))
            }
            #expect(again.map(\.jobID) == [late])
            #expect(try await redis.send("GET", broker.keys.stream(1)).string == "not a stream")  // left for an operator
        }
    }

    /// A partition whose slot no node serves fails every read that includes it, after the
    /// cluster client's retries: the feed reads the others alone and leaves it out for a while,
    /// so their jobs still come (outside attack, 2026-11-30: one unserved slot stalled all).
    @Test func aWatcherWhoseSlotIsUnservedFailsNoCompletion() async throws {
        try await Self.withClusterBroker { broker, cluster in
            try await Self.servePartialCoverage(cluster)
            // A gateway whose reply stream's slot holds no partition, and loses its node.
            let partitionSlots = Set(broker.keys.partitioning.all.map { ClusterKeySlot.slot(of: broker.keys.stream($0)) })
            let lost = try #require((0..<1_000).lazy.map { "gw-lost-\($0)" }.first {
                !partitionSlots.contains(ClusterKeySlot.slot(of: broker.keys.replies(gateway: $0)))
            })
            let slot = ClusterKeySlot.slot(of: broker.keys.replies(gateway: lost))
            let owner = try await cluster.port(owningSlot: slot)
            _ = try await cluster.node(owner).send("CLUSTER", "DELSLOTS", String(slot))
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            for round in 0..<2 {  // the second round finds the watcher set aside and does not try it
                var ids: [String] = []
                for (index, gateway) in [lost, "gw-ok", lost].enumerated() {
                    let job = submission(jobID: broker.makeJobID(client: "c", key: "r\(round)-\(index)"), client: "c", requestID: "r\(round)-\(index)", replyTo: gateway)
                    #expect(try await broker.accept(job) == .accepted(jobID: job.jobID))
                    ids.append(job.jobID)
                }
                var delivered: [DeliveredJob] = []
                let deadline = ContinuousClock.now + .seconds(20)
                while delivered.count < ids.count && ContinuousClock.now < deadline {
                    delivered += try await broker.readJobs(using: reader, consumer: "w1", count: 8, block: .seconds(1))
                }
                #expect(Set(delivered.map(\.jobID)) == Set(ids))
                _ = try await broker.claim(delivered, worker: "w1")
                // The statuses are recorded and the call does not fail: a retry would count each completion twice.
                let statuses = try await broker.complete(delivered.map { JobCompletion(job: $0, status: .done, resultJSON: "{}") }, worker: "w1")
                #expect(statuses == delivered.map { _ in "done" })
                for id in ids { #expect(try await broker.job(id)?.status == .done) }
                let told = try await broker.redis.xrange(broker.keys.replies(gateway: "gw-ok")).compactMap { $0["job_id"] }
                #expect(told.contains(ids[1]), "the healthy gateway hears of its job: \(told)")
            }
            _ = try await cluster.node(owner).send("CLUSTER", "ADDSLOTS", String(slot))
        }
    }

    /// A subscription that fails (here a bell's slot not served; in CI, a connect timeout on a loaded
    /// machine) is tried again within the block time: the job accepted after the repair rings its bell
    /// and is read long before the 60 s block ends (before, the next attempt came only after it).
    @Test func aFailedSubscriptionIsTriedAgainWithinTheBlockTime() async throws {
        try await Self.withClusterBroker { broker, cluster in
            try await Self.servePartialCoverage(cluster)
            let slot = ClusterKeySlot.slot(of: broker.keys.bell(1))
            let owner = try await cluster.port(owningSlot: slot)
            _ = try await cluster.node(owner).send("CLUSTER", "DELSLOTS", String(slot))
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            let read = Mutex<[String]>([])
            let stopping = Mutex(false)
            let worker = Task {
                while !stopping.withLock({ $0 }) {
                    let jobs = (try? await broker.readJobs(using: reader, consumer: "w1", count: 8, block: .seconds(60))) ?? []
                    read.withLock { $0 += jobs.map(\.jobID) }
                }
            }
            // The first attempt fails on the unserved slot; the slot comes back.
            let bellNode = try cluster.node(owner)
            func subscribers(_ p: Int) async -> Int64 {
                let reply = (try? await cluster.node(try await cluster.port(owningSlot: ClusterKeySlot.slot(of: broker.keys.bell(p))))
                    .send("PUBSUB", "SHARDNUMSUB", broker.keys.bell(p)).array) ?? []
                return reply.count == 2 ? (reply[1].int64 ?? -1) : -1
            }
            // The worker subscribes before it reads: once the node has refused anything, the attempt was made.
            #expect(await eventually(timeout: .seconds(20)) {
                ((try? await bellNode.send("INFO", "errorstats").string) ?? "").contains("errorstat_CLUSTERDOWN")
            })
            _ = try await bellNode.send("CLUSTER", "ADDSLOTS", String(slot))
            #expect(await eventually(timeout: .seconds(20)) { await subscribers(1) == 1 }, "the subscription is made again")
            let job = try await Self.accept(in: 1, broker, tag: "resubscribed")
            #expect(await eventually(timeout: .seconds(20)) { read.withLock { $0.contains(job) } }, "the bell rings the waiting read")
            stopping.withLock { $0 = true }
            reader.interrupt()
            await worker.value
        }
    }

    @Test func aPartitionWhoseSlotIsUnservedHoldsBackNoOther() async throws {
        try await Self.withClusterBroker { broker, cluster in
            try await Self.servePartialCoverage(cluster)
            let slot = ClusterKeySlot.slot(of: broker.keys.stream(1))
            let owner = try await cluster.port(owningSlot: slot)
            _ = try await cluster.node(owner).send("CLUSTER", "DELSLOTS", String(slot))
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            try await Self.expectEveryJobRead(in: [0, 2, 3, 4, 5], of: broker, by: reader)
            _ = try await cluster.node(owner).send("CLUSTER", "ADDSLOTS", String(slot))
        }
    }

    /// Skipped entries are appended again on the partition's own node, and its bell rings, so a
    /// worker waiting on bells reads them (``BrokerScripts/requeue``).
    @Test func skippedEntriesAreAppendedAgainAndRingTheirBell() async throws {
        try await Self.withClusterBroker { broker, cluster in
            let p = 3
            let stream = broker.keys.stream(p)
            let jobs = [try await Self.accept(in: p, broker, tag: "skip-a"), try await Self.accept(in: p, broker, tag: "skip-b")]
            _ = try await broker.redis.send(RedisCommand("XGROUP", ["SETID", stream, "workers", "$"]))
            func published() async throws -> Int {
                var total = 0
                for port in try await cluster.primaryPorts() {
                    let stat = try await cluster.info("cmdstat_spublish", section: "commandstats", on: port) ?? ""
                    total += stat.split(separator: ",").first.flatMap { Int($0.split(separator: "=").last ?? "") } ?? 0
                }
                return total
            }
            let before = try await published()
            try await broker.trimStream()
            #expect(try await published() == before + 1)
            let reader = broker.makeReader(commandTimeout: .seconds(5))
            defer { reader.close() }
            var read = Set<String>()
            let deadline = ContinuousClock.now + .seconds(20)
            while read != Set(jobs) && ContinuousClock.now < deadline {
                for job in try await broker.readJobs(using: reader, consumer: "w-skip", count: 4, block: .seconds(1)) { read.insert(job.jobID) }
            }
            #expect(read == Set(jobs))
        }
    }
}
