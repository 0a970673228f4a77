import Testing

@testable import RedisClient

/// Hostile or malformed cluster replies decode into typed values or typed errors, never a trap.
@Suite("Redis Cluster replies and key positions")
struct ClusterReplyDecodingTests {
    static func bulk(_ text: String) -> RedisValue { .bulk(Array(text.utf8)) }

    static func node(port: Int64?, ip: String = "127.0.0.1", endpoint: String? = nil, role: String = "master", health: String = "online") -> RedisValue {
        var fields: [RedisValue] = [bulk("id"), bulk("abc"), bulk("ip"), bulk(ip), bulk("role"), bulk(role), bulk("health"), bulk(health)]
        if let port { fields += [bulk("port"), .integer(port)] }
        if let endpoint { fields += [bulk("endpoint"), bulk(endpoint)] }
        return .array(fields)
    }

    static func shard(_ bounds: [Int64], _ nodes: [RedisValue]) -> RedisValue {
        .array([bulk("slots"), .array(bounds.map { .integer($0) }), bulk("nodes"), .array(nodes)])
    }

    @Test func decodesShardsPreferringAnOnlinePrimary() throws {
        let reply = RedisValue.array([
            Self.shard([0, 8000], [Self.node(port: 7000, endpoint: "10.0.0.1"), Self.node(port: 7003, role: "replica")]),
            // A failover in progress: the old primary failed, the promoted one online.
            Self.shard([8001, 16383], [Self.node(port: 7001, health: "failed"), Self.node(port: 7004, endpoint: "?")]),
        ])
        var map = try ClusterSlotMap.decode(shards: reply)
        #expect(map.coveredSlots == 16384)
        #expect(map.owner(ofSlot: 0) == ClusterNodeAddress(host: "10.0.0.1", port: 7000))
        #expect(map.owner(ofSlot: 16383) == ClusterNodeAddress(host: "127.0.0.1", port: 7004))
        #expect(map.owner(ofSlot: 16384) == nil && map.owner(ofSlot: -1) == nil)
        #expect(map.nodes.count == 4)
        map.assign(slot: 5, to: ClusterNodeAddress(host: "127.0.0.1", port: 7010))
        #expect(map.owner(ofSlot: 5) == ClusterNodeAddress(host: "127.0.0.1", port: 7010))
        map.assign(slot: 99999, to: ClusterNodeAddress(host: "127.0.0.1", port: 7011))  // ignored
    }

    @Test(arguments: [
        RedisValue.integer(1), .null, Self.bulk("x"),
        .array([.integer(3)]),
        .array([Self.shard([0], [Self.node(port: 7000)])]),
        .array([Self.shard([0, 16384], [Self.node(port: 7000)])]),
        .array([Self.shard([-1, 5], [Self.node(port: 7000)])]),
        .array([Self.shard([9, 5], [Self.node(port: 7000)])]),
        .array([Self.shard([0, .max], [Self.node(port: 7000)])]),
        .array([Self.shard([.min, 0], [Self.node(port: 7000)])]),
        .array([Self.shard([0, 5], [Self.node(port: nil)])]),
        .array([.array([Self.bulk("slots"), .array([Self.bulk("0"), Self.bulk("zz")]), Self.bulk("nodes"), .array([Self.node(port: 7000)])])]),
    ])
    func malformedShardsAreTypedErrors(reply: RedisValue) {
        #expect {
            _ = try ClusterSlotMap.decode(shards: reply)
        } throws: { error in
            (error as? RedisError)?.code == .unexpectedReply
        }
    }

    @Test func shardsWithoutUsableNodesLeaveSlotsUncovered() throws {
        let map = try ClusterSlotMap.decode(shards: .array([
            Self.shard([0, 100], [Self.node(port: 0), Self.node(port: 70000), Self.node(port: 7000, ip: "", endpoint: "?")]),
            Self.shard([101, 200], [Self.node(port: 7001, role: "replica")]),
        ]))
        #expect(map.coveredSlots == 0)
        #expect(map.primaries.isEmpty)
    }

    @Test func redirectionsAndRetryableAnswers() {
        #expect(ClusterReplyKind(.error("MOVED 3999 127.0.0.1:6381")) == .moved(slot: 3999, to: ClusterNodeAddress(host: "127.0.0.1", port: 6381)))
        #expect(ClusterReplyKind(.error("ASK 1 [::1]:7000")) == .ask(to: ClusterNodeAddress(host: "::1", port: 7000)))
        #expect(ClusterReplyKind(.error("TRYAGAIN Multiple keys request during rehashing of slot")) == .retry(refreshMap: false))
        #expect(ClusterReplyKind(.error("LOADING Redis is loading the dataset in memory")) == .retry(refreshMap: false))
        #expect(ClusterReplyKind(.error("CLUSTERDOWN The cluster is down")) == .retry(refreshMap: true))
        #expect(ClusterReplyKind(.error("READONLY You can't write against a read only replica.")) == .retry(refreshMap: true))
        #expect(ClusterReplyKind(.error("NOREPLICAS Not enough good replicas to write.")) == .retry(refreshMap: true))
        for hostile in ["MOVED", "MOVED 16384 127.0.0.1:1", "MOVED -1 h:1", "MOVED 99999999999999999999 h:1", "MOVED 1 h", "MOVED 1 h:0",
            "MOVED 1 h:65536", "MOVED 1 :1", "ASK x y", "", " ", "ERR unknown", "MOVEDX 1 h:1"] {
            #expect(ClusterReplyKind(.error(hostile)) == .final, "\(hostile)")
        }
        #expect(ClusterReplyKind(.status("MOVED 1 h:1")) == .final)
        #expect(ClusterReplyKind(Self.bulk("MOVED 1 h:1")) == .final)
    }

    @Test func keyPositions() {
        func keys(_ words: String...) -> [String]? {
            guard let name = words.first else { return nil }
            return RedisCommand(name, Array(words.dropFirst())).clusterKeys?.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(keys("GET", "a") == ["a"])
        #expect(keys("hset", "h", "f", "v") == ["h"])
        #expect(keys("DEL", "a", "b") == ["a", "b"])
        #expect(keys("MSET", "a", "1", "b", "2") == ["a", "b"])
        #expect(keys("BLPOP", "a", "b", "5") == ["a", "b"])
        #expect(keys("FCALL", "f", "2", "a", "b", "arg") == ["a", "b"])
        #expect(keys("EVALSHA", "sha", "0", "arg") == nil)
        #expect(keys("FCALL", "f", "-1", "a") == nil)
        #expect(keys("FCALL", "f", "3", "a") == nil)
        #expect(keys("FCALL", "f", "99999999999999999999999", "a") == nil)
        #expect(keys("XREADGROUP", "GROUP", "g", "STREAMS", "COUNT", "1", "STREAMS", "s1", "s2", ">", ">") == ["s1", "s2"])
        #expect(keys("XREAD", "STREAMS", "s1", "0", "extra") == nil)
        #expect(keys("XGROUP", "CREATE", "s", "g", "$") == ["s"])
        #expect(keys("XGROUP", "HELP") == nil)
        #expect(keys("XINFO", "STREAM", "s") == ["s"])
        #expect(keys("RENAME", "a", "b") == ["a", "b"])
        #expect(keys("PING") == nil)
        #expect(keys("FUNCTION", "LOAD", "code") == nil)
        #expect(keys("GET") == nil)
        #expect(keys("SOMETHINGNEW", "a") == nil)
        #expect(RedisCommand(raw: []).clusterKeys == nil)
    }
}
