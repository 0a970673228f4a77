import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// A Redis that may evict keys (any `maxmemory-policy` but `noeviction`) loses queued jobs and
/// forgets nonces and request records under memory pressure: gateway and worker say so at start,
/// as an error, and start anyway (a managed Redis may not let its user change the policy).
@Suite("Redis eviction policy")
struct EvictionPolicyTests {
    static let warning = "Redis may evict this deployment's keys"

    @Test func gatewayAndWorkerWarnOfAnEvictingRedisAndStart() async throws {
        try await withDeployment(redisArguments: ["--maxmemory-policy", "volatile-lru"]) { system in
            let gateway = system.gateways[0].process
            let worker = try #require(system.workers.first)
            for process in [gateway, worker] {
                #expect(await eventually(timeout: .seconds(10)) { process.log.contains(Self.warning) }, "\(process.log)")
                #expect(process.log.contains("volatile-lru"), "\(process.log)")
                #expect(process.log.contains("replays and retried request ids"), "\(process.log)")
            }
            // It serves all the same.
            let reply = try await system.client().call("batch_sum", args: ["numbers": [1, 2]])
            #expect(reply.httpStatus == 200)

            // With noeviction a process says nothing of it (checked once it is up: its heartbeat is there).
            let redis = try system.inspector()
            _ = try await redis.send("CONFIG", "SET", "maxmemory-policy", "noeviction")
            let quiet = try await system.startWorker(extraArguments: ["--worker-id", "quiet"])
            #expect(await eventually(timeout: .seconds(30)) { (try? await redis.send("ZSCORE", "mcp:workers", "quiet").string) != nil })
            #expect(!quiet.log.contains(Self.warning), "\(quiet.log)")
        }
    }
}
