import Foundation
import RedisClient
import RedisTestSupport
import Synchronization
import Testing

@testable import MCPBroker

/// Each partition's bell is heard by two of the live workers (DESIGN §10.4), chosen
/// alike by every worker, so a job wakes two workers and not the whole pool; a
/// partition whose listeners do not read is swept by the others within the block time.
@Suite("Bell listeners on a Redis Cluster")
struct BellListenersTests {
    /// Registers `workers` as live in `mcp:workers`, as their heartbeats do.
    private func register(_ workers: [String], _ broker: Broker) async throws {
        for worker in workers {
            _ = try await broker.redis.send("ZADD", broker.keys.workerIndex, String(UnixTime.nowMillis()), worker)
        }
    }

    /// Subscriptions to `p`'s bell on the primary serving it (`PUBSUB SHARDNUMSUB`).
    private func listeners(of p: Int, _ broker: Broker, _ cluster: RedisTestCluster) async throws -> Int64 {
        let bell = broker.keys.bell(p)
        let node = try cluster.node(try await cluster.port(owningSlot: ClusterKeySlot.slot(of: bell)))
        let reply = try await node.send("PUBSUB", "SHARDNUMSUB", bell).array ?? []
        return reply.count == 2 ? (reply[1].int64 ?? -1) : -1
    }

    /// Workers reading in a loop until `until` holds, each on a reader of its own; returns the job ids each read.
    private func readers(
        _ workers: [String], _ broker: Broker, block: Duration, log: ReadLog = ReadLog(), until done: @escaping @Sendable ([String]) -> Bool,
        meanwhile: () async throws -> Void
    ) async throws -> [String: [String]] {
        let clients = workers.map { _ in broker.makeReader(commandTimeout: .seconds(5)) }
        defer { for client in clients { client.close() } }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for (worker, reader) in zip(workers, clients) {
                group.addTask {
                    while !log.stopping.withLock({ $0 }) {
                        let jobs = try await broker.readJobs(using: reader, consumer: worker, count: 4, block: block)
                        log.jobs.withLock { $0[worker, default: []] += jobs.map(\.jobID) }
                    }
                }
            }
            try await meanwhile()
            let finished = await eventually(timeout: .seconds(20)) { done(log.jobs.withLock { $0.values.flatMap { $0 } }) }
            log.stopping.withLock { $0 = true }
            for reader in clients { reader.interrupt() }
            try await group.waitForAll()
            #expect(finished, "jobs read: \(log.jobs.withLock { $0 })")
            return log.jobs.withLock { $0 }
        }
    }

    @Test func eachBellIsHeardByTwoOfFourWorkersAndEveryJobComesAtOnce() async throws {
        try await ClusterJobFeedTests.withClusterBroker { broker, cluster in
            let workers = ["w1", "w2", "w3", "w4"]
            try await register(workers, broker)
            let all = broker.keys.partitioning.all
            // Every worker chooses alike: two listeners per partition, and every worker hears some.
            for p in all {
                #expect(workers.filter { PartitionBells.partitions(heardBy: $0, among: workers, of: all).contains(p) }.count == 2)
            }
            let partitions = ClusterJobFeedTests.partitions
            var accepted: [String] = []
            // A block time far beyond the wait below: only bells can deliver the jobs in time.
            let read = try await readers(workers, broker, block: .seconds(60), until: { $0.count >= partitions }) {
                #expect(await eventually(timeout: .seconds(20)) {
                    var subscribed: [Int64] = []
                    for p in all { subscribed.append((try? await listeners(of: p, broker, cluster)) ?? -1) }
                    return subscribed.allSatisfy { $0 == 2 }
                }, "each bell has two subscribers")
                for p in all { accepted.append(try await ClusterJobFeedTests.accept(in: p, broker, tag: "listen")) }
            }
            let delivered = read.values.flatMap { $0 }
            #expect(delivered.sorted() == accepted.sorted(), "each job once: \(read)")
            // Each job went to one of its partition's two listeners.
            for (worker, jobs) in read {
                for job in jobs {
                    let p = try #require(broker.keys.partitioning.partition(ofJob: job))
                    #expect(PartitionBells.partitions(heardBy: worker, among: workers, of: all).contains(p), "\(worker) read \(job) of \(p)")
                }
            }
        }
    }

    @Test func aPartitionWhoseListenersDoNotReadIsSweptByAnother() async throws {
        try await ClusterJobFeedTests.withClusterBroker { broker, cluster in
            // w3 and w4 heartbeat (as a saturated or just-killed worker would) but never read.
            let workers = ["w1", "w2", "w3", "w4"]
            try await register(workers, broker)
            let all = broker.keys.partitioning.all
            let deaf = try #require(all.first { p in
                !["w1", "w2"].contains { PartitionBells.partitions(heardBy: $0, among: workers, of: all).contains(p) }
            }, "some partition is heard by w3 and w4 only")
            let job = ReadLog()
            let read = try await readers(["w1", "w2"], broker, block: .seconds(1), until: { read in job.awaited.withLock { !$0.isEmpty && read.contains($0) } }) {
                let accepted = try await ClusterJobFeedTests.accept(in: deaf, broker, tag: "deaf")
                job.awaited.withLock { $0 = accepted }
            }
            #expect(read.values.flatMap { $0 } == [job.awaited.withLock { $0 }])
        }
    }

    /// The same, while bells of their own keep ringing for the readers (so no wait of theirs
    /// ever times out): the sweep once per block time still finds the job.
    @Test func aPartitionWhoseListenersDoNotReadIsSweptWhileOtherBellsKeepRinging() async throws {
        try await ClusterJobFeedTests.withClusterBroker { broker, cluster in
            let workers = ["w1", "w2", "w3", "w4"]
            try await register(workers, broker)
            let all = broker.keys.partitioning.all
            func hearing(_ worker: String) -> Set<Int> { PartitionBells.partitions(heardBy: worker, among: workers, of: all) }
            let deaf = try #require(all.first { !hearing("w1").contains($0) && !hearing("w2").contains($0) })
            let ringing = [try #require(hearing("w1").min()), try #require(hearing("w2").min())]
            let box = ReadLog()
            // A job every 100 ms in a partition each reader hears, far more often than the 2 s block time,
            // and heartbeats that keep all four live (a change of members would make the readers sweep).
            let feeder = Task {
                var index = 0
                while !box.stopping.withLock({ $0 }) {
                    try await register(workers, broker)
                    _ = try await ClusterJobFeedTests.accept(in: ringing[index % 2], broker, tag: "ring-\(index)")
                    index += 1
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let log = ReadLog()
            let read = try await readers(["w1", "w2"], broker, block: .seconds(2), log: log, until: { read in box.awaited.withLock { !$0.isEmpty && read.contains($0) } }) {
                // Past each reader's first subscription and sweep: both have read several of their own jobs.
                #expect(await eventually(timeout: .seconds(20)) { log.jobs.withLock { $0["w1", default: []].count >= 3 && $0["w2", default: []].count >= 3 } })
                let accepted = try await ClusterJobFeedTests.accept(in: deaf, broker, tag: "deaf")
                box.awaited.withLock { $0 = accepted }
            }
            box.stopping.withLock { $0 = true }
            try await feeder.value
            let job = box.awaited.withLock { $0 }
            #expect(read.values.flatMap { $0 }.filter { $0 == job }.count == 1)
        }
    }

    @Test func rankingIsStableAndSpreadsThePartitions() {
        // The same inputs give the same choice in every process (no seeded hashing).
        #expect(PartitionBells.rank(3, "w1") == PartitionBells.rank(3, "w1"))
        #expect(PartitionBells.rank(3, "w1") != PartitionBells.rank(4, "w1"))
        let workers = (1...10).map { "worker-\($0)" }
        let all = 0..<120
        var heard = 0
        for worker in workers {
            let share = PartitionBells.partitions(heardBy: worker, among: workers, of: all).count
            #expect(share >= 8 && share <= 48, "\(worker) hears \(share) of 120 (24 on average)")
            heard += share
        }
        #expect(heard == 240)
        // Two workers or fewer: everyone hears everything.
        #expect(PartitionBells.partitions(heardBy: "a", among: ["a", "b"], of: all) == Set(all))
        #expect(PartitionBells.partitions(heardBy: "a", among: [], of: all) == Set(all))
        // A flood of members (say, junk written into mcp:workers): bounded work, everyone hears everything.
        let flood = (0...PartitionBells.maxMembers).map { "junk-\($0)" }
        #expect(PartitionBells.partitions(heardBy: "junk-0", among: flood, of: all) == Set(all))
        let most = Array(flood.dropLast())
        #expect(PartitionBells.partitions(heardBy: "junk-0", among: most, of: all).count < 120)
    }
}

/// What the test's workers read, shared with their tasks.
final class ReadLog: Sendable {
    let jobs = Mutex<[String: [String]]>([:])
    let stopping = Mutex(false)
    let awaited = Mutex("")
}
