import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// Faults of the hardening issue that need real processes: each once stopped a
/// gateway or let one client hurt others.
@Suite("Hardening: hostile producers and clients", .serialized)
struct HardeningTests {
    static let ingress = "mcp:ingress"
    static let rejected = "mcp:ingress:rejected"

    /// Fault 1: an ingress entry with the largest possible id trapped the gateway, again on every restart.
    @Test func anIngressEntryWithTheLargestIDStopsNoGateway() async throws {
        try await withDeployment { system in
            let redis = try system.inspector()
            let maxID = "18446744073709551615-18446744073709551615"
            _ = try await redis.xadd(Self.ingress, id: maxID, fields: [StreamField(name: "envelope", value: "{}")])
            #expect(await eventually(timeout: .seconds(30)) { (try? await redis.send("XLEN", Self.rejected).int64) == 1 })
            // A new gateway trims the ingress stream in its first consumer pass: that trim trapped.
            try await system.startGateway(extraArguments: ["--log-level", "debug"])
            let newcomer = system.gateways[1]
            #expect(await eventually(timeout: .seconds(30)) { newcomer.process.log.contains("ingress stream trimmed") || !newcomer.process.isRunning })
            #expect(newcomer.process.log.contains("ingress.kept_from=\(maxID)"), "\(newcomer.process.log)")
            #expect(newcomer.process.isRunning, "the gateway died:\n\(newcomer.process.log)")
            #expect(system.gateways[0].process.isRunning)
            #expect(try await HTTP.get(newcomer.url + "/healthz").0 == 200)
        }
    }

    /// Fault 12: an oversized ingress entry is refused unparsed, and the reject entry does not echo it.
    @Test func anOversizedIngressEntryIsRefusedWithABoundedRecord() async throws {
        try await withDeployment { system in
            let redis = try system.inspector()
            let huge = "{\"request_id\": \"" + String(repeating: "x", count: 3 << 20) + "\"}"
            _ = try await redis.xadd(Self.ingress, fields: [StreamField(name: "envelope", value: huge)])
            _ = try await redis.xadd(Self.ingress, fields: [StreamField(name: "body", value: "no envelope here")])
            #expect(await eventually(timeout: .seconds(30)) { (try? await redis.send("XLEN", Self.rejected).int64) == 2 })
            let records = try await redis.xrange(Self.rejected)
            #expect(records.map { $0["code"] } == ["payload_too_large", "no_envelope"])
            for record in records {
                #expect(record.fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } < 2048)
            }
            #expect(await eventually { (try? await redis.xpendingSummary(Self.ingress, group: "gateways").count) == 0 })
        }
    }

    /// Fault 9: one client could fill Redis; a per-client token bucket answers 429 and writes nothing.
    @Test func aClientOverItsRateIsRefusedAndOthersAreNot() async throws {
        try await withDeployment(gatewayArguments: ["--client-rate", "0.05"]) { system in
            let noisy = system.client("client-001")
            #expect(try await noisy.call("echo", args: ["message": "hi"]).errorCode == nil)  // the burst of 1
            #expect(await system.settled())  // the echo job's acknowledgement would move the snapshot
            let before = try await system.snapshot()
            let refused = try await noisy.call("echo", args: ["message": "one too many"])
            #expect(refused.httpStatus == 429)
            #expect(refused.errorCode == "rate_limited")
            #expect((refused.retryAfterSeconds ?? 0) >= 1)
            #expect(try await system.snapshot() == before)
            let other = try await system.client("client-002").call("echo", args: ["message": "unaffected"])
            #expect(other.errorCode == nil)
        }
    }

    /// Fault 9 on `/mcp`: the same per-client budget applies there, shared with `/v1`; a refusal is 429 with
    /// `Retry-After`, spends only the request's nonce (so it cannot be replayed later) and writes nothing else.
    @Test func mcpRequestsShareTheClientsRateLimit() async throws {
        try await withDeployment(gatewayArguments: ["--client-rate", "0.05"]) { system in
            let mcp = MCPEndpointTests.client(system)  // signs as client-001
            let listed = try await mcp.post(MCPEndpointTests.body("tools/list", params: [:]))
            #expect(listed.status == 200, "\(String(decoding: listed.body, as: UTF8.self))")  // the burst of 1
            let before = try await system.snapshot()
            let refused = try await mcp.post(MCPEndpointTests.body("tools/list", params: [:]))
            #expect(refused.status == 429)
            #expect(refused.errorCode == "rate_limited", "\(String(decoding: refused.body, as: UTF8.self))")
            #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1, "\(refused.headers)")
            let after = try await system.snapshot()
            let added = after.filter { !before.contains($0) }
            #expect(added.count == 1 && added.allSatisfy { $0.contains(":nonce:") }, "\(added)")
            #expect(after.filter { !$0.contains(":nonce:") } == before.filter { !$0.contains(":nonce:") })
            // The budget is the client's, not the door's: /v1 is refused too, and another client is not.
            #expect(try await system.client("client-001").call("echo", args: ["message": "v1"]).errorCode == "rate_limited")
            #expect(try await system.client("client-002").call("echo", args: ["message": "v1"]).errorCode == nil)
        }
    }

    /// Fault 13: a client id with ':' would share Redis keys with another client; the key ring refuses it.
    @Test func aKeyRingWithAColonInAClientIDIsRefusedAtStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-colon-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = directory.appendingPathComponent("keys.json")
        try Data(#"{"server_id": "s", "server_secret": "raw:x", "clients": {"a": {"secret": "raw:1"}, "a:b": {"secret": "raw:2"}}}"#.utf8).write(to: keys)
        let gateway = try await ChildProcess(
            executable: "mcp-gateway", arguments: ["--redis", "redis://127.0.0.1:1", "--keys", keys.path, "--listen", "127.0.0.1:0"],
            environment: [:], logDirectory: directory, name: "gateway")
        #expect(await gateway.waitForExit(timeout: .seconds(20)))
        #expect(gateway.exitStatus != 0)
        #expect(gateway.log.contains("invalid_client_id"), "\(gateway.log)")
    }
}
