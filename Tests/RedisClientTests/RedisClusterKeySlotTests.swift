import RedisClient
import RedisTestSupport
import Testing

@Suite("Redis Cluster key slots")
struct RedisClusterKeySlotTests {
    /// The specification's check value: CRC16/XMODEM("123456789") = 0x31C3.
    @Test func specificationCheckValue() {
        #expect(ClusterKeySlot.slot(of: "123456789") == 0x31C3)
        #expect(ClusterKeySlot.slot(of: "{user1000}.following") == ClusterKeySlot.slot(of: "{user1000}.followers"))
        #expect(ClusterKeySlot.slot(of: "foo{}{bar}") != ClusterKeySlot.slot(of: "bar"))
        #expect(ClusterKeySlot.slot(of: "foo{{bar}}zap") == ClusterKeySlot.slot(of: "{bar"))
        #expect(ClusterKeySlot.slot(of: "foo{bar}{zap}") == ClusterKeySlot.slot(of: "bar"))
    }

    static let edgeKeys: [String] = [
        "", "{", "}", "{}", "}{", "{}{x}", "{x}{}", "foo{}{bar}", "foo{{bar}}zap", "foo{bar}{zap}", "{user1000}.following",
        "a{b", "a}b{", "{{}}", "{{x}}", "x{y}z{w}", "{0}:stream", "mcp:{0}:jobs", "{}", "ключ{тег}", "日本{語}", "emoji😀{🔑}",
        "{job-42}:state", "123456789", "slash/and space", String(repeating: "k", count: 1000),
    ]

    /// Our slot of every key equals the server's `CLUSTER KEYSLOT`, hash-tag edge cases and random keys included.
    @Test func slotsMatchTheServer() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            var generator = SystemRandomNumberGenerator()
            var keys = Self.edgeKeys
            for length in 1...300 {
                let alphabet = Array("ab{}xyz01{}-:")
                keys.append(String((0..<(length % 40 + 1)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
            }
            let admin = try cluster.node(cluster.servers[0].port)
            let replies = try await admin.pipeline(keys.map { RedisCommand("CLUSTER", ["KEYSLOT", $0]) })
            for (key, reply) in zip(keys, replies) {
                #expect(reply.int64.map(Int.init) == ClusterKeySlot.slot(of: key), "key \(key.prefix(40))")
            }
        }
    }
}
