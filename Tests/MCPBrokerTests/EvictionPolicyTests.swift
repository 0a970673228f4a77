import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

/// Each node's `maxmemory-policy`, read from `INFO memory` at the boundary into a typed value.
@Suite("Eviction policy")
struct EvictionPolicyTests {
    @Test func policiesAreReadFromInfoText() {
        #expect(EvictionPolicy(info: "# Memory\r\nused_memory:1\r\nmaxmemory_policy:noeviction\r\n") == .noEviction)
        #expect(EvictionPolicy(info: "maxmemory_policy:allkeys-lru\r\n") == .evicts("allkeys-lru"))
        #expect(EvictionPolicy(info: "maxmemory_policy:volatile-ttl")?.risk?.contains("nonces and request records") == true)
        #expect(EvictionPolicy(info: "maxmemory_policy:allkeys-random")?.risk?.contains("queued jobs") == true)
        #expect(EvictionPolicy.noEviction.risk == nil)
        #expect(EvictionPolicy.unreadable.risk?.contains("CONFIG GET maxmemory-policy") == true)  // never taken for noeviction
        // A server's words never carry escape sequences to a terminal (an error Redis, or anything posing as it, sent).
        let hostile = RedisError.server("ERR \u{1B}[2J\u{1B}]0;title\u{07}\u{9B}31m" + String(repeating: "x", count: 1_000))
        #expect(!hostile.message.unicodeScalars.contains { $0.properties.generalCategory == .control })
        #expect(hostile.message.hasPrefix("ERR ?[2J?]0;title??31m") && hostile.message.count == 501)
        // Anything else is no policy: absent, empty, another shape, absurdly long.
        for text in ["", "used_memory:1\r\n", "maxmemory_policy:\r\n", "maxmemory_policy:ALLKEYS\r\n", "maxmemory_policy:a b\r\n",
                     "maxmemory_policy:" + String(repeating: "x", count: 10_000)] {
            #expect(EvictionPolicy(info: text) == nil, "\(text.prefix(40))")
        }
    }

    @Test func oneServerReportsItsPolicyAndAUserWithoutInfoNone() async throws {
        try await withRedis(extraArguments: ["--maxmemory-policy", "allkeys-lfu"]) { server in
            let broker = Broker(redis: try server.client())
            #expect(Array(try await broker.evictionPolicies().values) == [.evicts("allkeys-lfu")])
            _ = try await broker.redis.send("CONFIG", "SET", "maxmemory-policy", "noeviction")
            #expect(Array(try await broker.evictionPolicies().values) == [.noEviction])
            _ = try await broker.redis.send("ACL", "SETUSER", "noinfo", "on", ">noinfo-pass", "~*", "+@all", "-info")
            var configuration = broker.redis.configuration
            configuration.endpoint.user = "noinfo"
            configuration.endpoint.password = "noinfo-pass"
            let limited = Broker(redis: RedisClient(configuration: configuration))
            #expect(try await limited.evictionPolicies().isEmpty)
        }
    }

    @Test func aClusterReportsEveryPrimary() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            var configuration = BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("eviction"))
            configuration.partitioning = try #require(Partitioning(count: 12))
            let broker = Broker(redis: try cluster.client(commandTimeout: .seconds(5)), configuration: configuration)
            let ports = try await cluster.primaryPorts()
            _ = try await cluster.node(ports[1]).send("CONFIG", "SET", "maxmemory-policy", "volatile-lru")
            let policies = try await broker.evictionPolicies()
            #expect(policies.count == 3, "\(policies)")
            #expect(policies.values.filter { $0 == .evicts("volatile-lru") }.count == 1, "\(policies)")
            #expect(policies.values.filter { $0 == .noEviction }.count == 2, "\(policies)")
        }
    }
}
