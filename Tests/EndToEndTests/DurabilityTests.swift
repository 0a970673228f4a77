import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--durability replicated` (DESIGN §10) against a real primary and replica:
/// a job is answered only once WAIT confirms a replica holds it, else 503
/// `not_replicated`, and the retry with the same request_id returns the same job.
@Suite("Durability levels")
struct DurabilityTests {
    /// A TCP port free right now on loopback (the kernel picks it).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DeploymentError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw DeploymentError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func aJobIsAnsweredOnlyOnceAReplicaHoldsIt() async throws {
        let port = try Self.freePort()
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
