import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// `--durability replicated` (DESIGN §10) against a real primary and replica:
/// a job is answered only once WAIT confirms a replica holds it, else 503
/// `not_replicated`, and the retry with the same request_id returns the same job.
@Suite("Durability levels")
struct DurabilityTests {
    @Test func aJobIsAnsweredOnlyOnceAReplicaHoldsIt() async throws {
        // Below the ephemeral range: a port the kernel picked could be any process's next outgoing source port.
        let port = try #require(LoopbackPort.free(withCompanionOffset: 0))
        try await withDeployment(
            gatewayArguments: ["--durability", "replicated", "--replication-timeout", "2"], redisArguments: ["--port", String(port), "--bind", "127.0.0.1"]
        ) { system in
            let client = system.client()
            // No replica yet: the job is stored on the primary, but not confirmed.
            let first = try await client.call("noop", requestID: "durable-1")
            #expect(first.httpStatus == 503)
            #expect(first.errorCode == "not_replicated", "\(first.response)")
            #expect(first.retryAfterSeconds != nil)
            // An ingress envelope meanwhile is neither accepted nor refused: it stays pending until a replica confirms it.
            let redis = try system.inspector()
            let fed = client.envelope(tool: "noop", args: [:], requestID: "durable-ingress")
            try await redis.xadd("mcp:ingress", fields: [StreamField(name: "envelope", value: String(decoding: fed.wireBytes(), as: UTF8.self))])
            #expect(await eventually(timeout: .seconds(20)) { (try? await redis.xpendingSummary("mcp:ingress", group: "gateways").count) == 1 })
            #expect(try await redis.send("XLEN", "mcp:ingress:rejected").int64 ?? 0 == 0)
            // A replica joins; the retry with the same request_id returns the same job, now replicated.
            let replica = try await RedisTestServer.start(extraArguments: ["--replicaof", "127.0.0.1", String(port)], useExternal: false)
            let replicaClient = try replica.client()
            let primary = try system.inspector()
            #expect(await eventually(timeout: .seconds(20)) {
                let replica = (try? await replicaClient.send("INFO", "replication").string) ?? ""
                let seen = (try? await primary.send("INFO", "replication").string) ?? ""
                return replica.contains("master_link_status:up") && seen.contains("state=online")
            })
            let retry = try await client.call("noop", requestID: "durable-1")
            #expect([200, 202].contains(retry.httpStatus), "\(retry.response)")  // 200 once the job already ran
            let jobID = try #require(retry.jobID)
            let hash = try await system.inspector().hgetall("mcp:{0}:job:\(jobID)")
            #expect(hash["request_id"] == "durable-1" && hash["durability"] == "replicated", "\(hash)")
            #expect(try await client.poll(jobID: jobID).response.result?["durability"]?.stringValue == "replicated")
            // The pending ingress entry is retried and settled: its job is replicated too.
            #expect(await eventually(timeout: .seconds(60)) { (try? await redis.xpendingSummary("mcp:ingress", group: "gateways").count) == 0 })
            #expect(try await redis.send("XLEN", "mcp:ingress:rejected").int64 ?? 0 == 0)
            let fedJob = try #require(try await redis.get("mcp:{0}:req:client-001:durable-ingress"))
            #expect(try await redis.hgetall("mcp:{0}:job:\(fedJob)")["durability"] == "replicated")
            // The replica holds the job itself.
            #expect(await eventually(timeout: .seconds(10)) { (try? await replicaClient.hgetall("mcp:{0}:job:\(jobID)"))?["tool"] == "noop" })
            // The replica goes away: new jobs are refused until one is back.
            await replica.stop()
            let orphan = try await client.call("noop", requestID: "durable-2")
            #expect(orphan.httpStatus == 503 && orphan.errorCode == "not_replicated", "\(orphan.response)")
        }
    }
}
