import Foundation
import RedisTestSupport
import Testing

@testable import RedisClient

/// A node that answers `CLUSTER SHARDS` with a map no cluster can have (more shards than slots, a
/// slot in two shards) is refused at once, in time linear in the reply; a map full of nodes that
/// are gone does not keep a refresh from asking the seeds; a one-node cluster that never learned
/// its own address is reached through the node that answered.
@Suite("Redis Cluster: hostile and odd topologies")
struct ClusterHostileTopologyTests {
    typealias Reply = ClusterReplyDecodingTests

    @Test func moreShardsThanSlotsAreRefusedBeforeAnySlotIsRead() {
        // 20 000 shards, each claiming every slot with a primary of its own: before, a decode wrote
        // 327 million slots and searched the primaries linearly for each shard (seconds to minutes).
        let shard = Reply.shard([0, 16383], [Reply.node(port: 7000)])
        #expect {
            _ = try ClusterSlotMap.decode(shards: .array(Array(repeating: shard, count: 20_000)))
        } throws: { error in
            (error as? RedisError)?.code == .unexpectedReply && (error as? RedisError)?.message.contains("20000 shards") == true
        }
    }

    @Test func aSlotInTwoShardsIsRefused() {
        let reply = RedisValue.array([
            Reply.shard([0, 9000], [Reply.node(port: 7000)]),
            Reply.shard([9000, 16383], [Reply.node(port: 7001)]),
        ])
        #expect {
            _ = try ClusterSlotMap.decode(shards: reply)
        } throws: { error in
            (error as? RedisError)?.message.contains("slot 9000 in two shards") == true
        }
    }

    @Test func theLargestLegalMapDecodesAndKeepsABoundedNodeList() throws {
        // 16 384 shards of one slot each, each primary with three replicas: 65 536 nodes listed.
        let shards = (0..<16_384).map { slot -> RedisValue in
            let primary = Reply.node(port: Int64(1_000 + slot % 60_000), ip: "10.\(slot / 256).\(slot % 256).1")
            let replicas = (1...3).map { Reply.node(port: 7000, ip: "10.\(slot / 256).\(slot % 256).\($0 + 1)", role: "replica") }
            return Reply.shard([Int64(slot), Int64(slot)], [primary] + replicas)
        }
        let map = try ClusterSlotMap.decode(shards: .array(shards))
        #expect(map.coveredSlots == 16_384)
        #expect(map.primaries.count == 16_384)
        #expect(map.nodes.count == ClusterSlotMap.nodeLimit)
        #expect(map.owner(ofSlot: 16_383) == ClusterNodeAddress(host: "10.63.255.1", port: 1_000 + 16_383))
    }

    @Test func aNodeWithoutAKnownAddressIsTheNodeThatAnswered() throws {
        // A one-node cluster lists itself with `ip` and `endpoint` empty: it never learned its address.
        let reply = RedisValue.array([Reply.shard([0, 16383], [Reply.node(port: 7000, ip: "", endpoint: "")])])
        let seed = ClusterNodeAddress(host: "redis.example", port: 7000)
        let map = try ClusterSlotMap.decode(shards: reply, answeredBy: seed)
        #expect(map.coveredSlots == 16_384)
        #expect(map.owner(ofSlot: 0) == seed)
        #expect(try ClusterSlotMap.decode(shards: reply).coveredSlots == 0, "with nobody known to have answered, it stays unknown")
    }

    @Test func aRefreshAsksTheSeedsEarlyAndBoundsItsAttempts() {
        let known = (0..<2_000).map { ClusterNodeAddress(host: "10.0.\($0 / 256).\($0 % 256)", port: 7000) }
        let seeds = [ClusterNodeAddress(host: "seed-a", port: 7000), ClusterNodeAddress(host: "seed-b", port: 7000)]
        let now = ContinuousClock.now
        var order = ClusterTopology.discoveryOrder(known: known, seeds: seeds, suspects: [:])
        #expect(order.count == ClusterTopology.discoveryAttempts)
        #expect(Array(order.prefix(4)) == [known[0], known[1], seeds[0], seeds[1]])
        // The nodes that failed last time go last; the next ones are asked instead.
        let suspects = Dictionary(uniqueKeysWithValues: known.prefix(8).enumerated().map { ($1, now + .seconds(Double($0 + 1))) })
        order = ClusterTopology.discoveryOrder(known: known, seeds: seeds, suspects: suspects)
        #expect(Array(order.prefix(4)) == [known[8], known[9], seeds[0], seeds[1]])
        #expect(order.count == ClusterTopology.discoveryAttempts && !order.contains(known[0]))
        // With every node suspected, the earliest failures are asked first.
        let all = Dictionary(uniqueKeysWithValues: (known + seeds).enumerated().map { ($1, now + .seconds(Double($0 + 1))) })
        #expect(ClusterTopology.discoveryOrder(known: known, seeds: seeds, suspects: all) == Array(known.prefix(ClusterTopology.discoveryAttempts)))
    }
}

/// A real one-node Redis Cluster (all 16 384 slots on one `redis-server`), which lists itself with
/// no address: the client reaches it through the seed it asked.
@Suite("Redis Cluster of one node")
struct OneNodeClusterTests {
    @Test func aOneNodeClusterServesThroughItsSeed() async throws {
        let server = try await RedisTestServer.start(extraArguments: ["--cluster-enabled", "yes"], useExternal: false, tcp: true)
        let admin = RedisClient(configuration: try RedisConfiguration(url: server.url))
        let client = RedisClient(configuration: try RedisConfiguration(url: server.url.replacingOccurrences(of: "redis://", with: "redis+cluster://")))
        try await withCleanup { () async throws in
            #expect(try await admin.send("CLUSTER", "ADDSLOTSRANGE", "0", "16383").string == "OK")
            #expect(await eventually(timeout: .seconds(20)) { (try? await admin.send("CLUSTER", "INFO").string)?.contains("cluster_state:ok") == true })
            #expect(try await client.send("SET", "one-node:{a}", "1").string == "OK")
            #expect(try await client.send("INCR", "one-node:{b}").int64 == 1)
            #expect(try await client.send("GET", "one-node:{a}").string == "1")
        } cleanup: {
            client.close()
            admin.close()
            await server.stop()
        }
    }
}
