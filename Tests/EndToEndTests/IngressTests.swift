import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// DESIGN §1 ingress: envelopes other services `XADD` to `mcp:ingress` go
/// through the same verification and publish path as HTTP; refusals land in
/// `mcp:ingress:rejected` and change nothing else; nothing stays pending.
@Suite("Ingress stream", .serialized)
struct IngressTests {
    static let ingress = "mcp:ingress"
    static let rejected = "mcp:ingress:rejected"

    /// XADDs one entry to the ingress stream and returns its id.
    @discardableResult
    static func produce(_ system: Deployment, _ envelope: String, field: String = "envelope") async throws -> String {
        try await system.inspector().xadd(ingress, fields: [StreamField(name: field, value: envelope)])
    }

    static func text(_ envelope: Envelope) -> String { String(decoding: envelope.wireBytes(), as: UTF8.self) }

    /// Polls `poll_job` by request id until the job is final.
    static func finalJob(_ system: Deployment, requestID: String, client: MCPStreamsClient) async throws -> JSONObject? {
        var last: JSONObject?
        _ = await eventually(timeout: .seconds(30)) {
            guard let reply = try? await client.call("poll_job", args: ["request_id": .string(requestID)]) else { return false }
            last = reply.response.result
            return ["done", "error", "cancelled"].contains(last?["status"]?.stringValue ?? "")
        }
        return last
    }

    static func pending(_ system: Deployment) async throws -> Int {
        try await system.inspector().xpendingSummary(ingress, group: "gateways").count
    }

    /// Every key but the ingress streams, heartbeats and catalog, with the job stream's length.
    static func snapshot(_ system: Deployment) async throws -> [String] {
        try await system.snapshot().filter { !$0.hasPrefix(ingress) }
    }

    @Test func aValidEnvelopeBecomesAJobFoundByItsRequestID() async throws {
        try await withDeployment { system in
            let client = system.client()
            // batch_sum is a sync tool: through ingress it must not be waited for.
            let sum = client.envelope(tool: "batch_sum", args: ["numbers": [1, 2.5, 3]])
            let echo = client.envelope(tool: "echo", args: ["message": "from another service"])
            try await Self.produce(system, Self.text(sum))
            try await Self.produce(system, Self.text(echo))

            let done = try #require(try await Self.finalJob(system, requestID: sum.requestID, client: client))
            #expect(done["status"]?.stringValue == "done")
            #expect(done["result"]?.objectValue?["total"] == .float(6.5))
            let echoed = try #require(try await Self.finalJob(system, requestID: echo.requestID, client: client))
            #expect(echoed["status"]?.stringValue == "done")

            #expect(await eventually { (try? await Self.pending(system)) == 0 })
            #expect(try await system.inspector().send("XLEN", Self.rejected).int64 == 0)
            // The sync tool's job was published without a reply_to: no gateway waited on it.
            let jobID = try #require(done["job_id"]?.stringValue)
            #expect(try await system.jobHash(jobID)["request_id"] == sum.requestID)
            #expect(try await system.inspector().send("KEYS", "mcp:replies:*").array?.isEmpty == true)
        }
    }

    @Test func refusedEnvelopesAreRecordedAndChangeNothingElse() async throws {
        try await withDeployment { system in
            let client = system.client()
            let redis = try system.inspector()

            // A replayed envelope needs its first copy accepted (and finished) first.
            let original = client.envelope(tool: "echo", args: ["message": "once"])
            try await Self.produce(system, Self.text(original))
            #expect(try await Self.finalJob(system, requestID: original.requestID, client: client)?["status"]?.stringValue == "done")
            #expect(await system.settled())  // its acknowledgement would move the snapshot taken below

            var forged = client.envelope(tool: "batch_sum", args: ["numbers": [1]]).json().objectValue!
            forged.set("signature", .string(String(repeating: "0", count: 64)))
            var staleObject = client.envelope(tool: "batch_sum", args: ["numbers": [1]]).json().objectValue!
            staleObject.set("ts_ms", .integer(JSONInteger(Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000)))
            let stale = try Envelope(json: .object(staleObject)).signed(with: client.credentials.key)

            let cases: [(name: String, field: String, body: String, code: String, requestID: String)] = [
                ("bad signature", "envelope", CanonicalJSON.string(.object(forged)), "bad_signature", forged["request_id"]!.stringValue!),
                ("malformed JSON", "envelope", "{\"v\": \"mcp/0.1\",", "malformed", ""),
                ("stale", "envelope", Self.text(stale), "stale_request", stale.requestID),
                ("replayed", "envelope", Self.text(original), "replayed", original.requestID),
                ("request id reused for another call", "envelope",
                 Self.text(client.envelope(tool: "echo", args: ["message": "twice"], requestID: original.requestID)), "request_id_reused",
                 original.requestID),
                ("no envelope field", "body", Self.text(client.envelope(tool: "noop", args: [:])), "no_envelope", ""),
            ]
            let before = try await Self.snapshot(system)
            for (index, item) in cases.enumerated() {
                let entryID = try await Self.produce(system, item.body, field: item.field)
                #expect(await eventually { (try? await redis.send("XLEN", Self.rejected).int64) == Int64(index + 1) }, "\(item.name)")
                let record = try #require(try await redis.xrange(Self.rejected, start: "-", end: "+").last)
                #expect(record["code"] == item.code, "\(item.name): \(record.fields)")
                #expect(record["entry_id"] == entryID, "\(item.name)")
                #expect(record["request_id"] == item.requestID, "\(item.name)")
                #expect(record["client_id"] == (item.requestID.isEmpty ? "" : "client-001"), "\(item.name)")
                #expect(record["reason"]?.isEmpty == false, "\(item.name)")
                #expect(await eventually { (try? await Self.pending(system)) == 0 }, "\(item.name) stays pending")
            }
            // Only the envelope refused as request_id_reused spent its nonce (so it can never run later).
            let after = try await Self.snapshot(system)
            #expect(after.filter { !$0.contains(":nonce:") } == before.filter { !$0.contains(":nonce:") }, "a refused ingress envelope changed Redis")
            #expect(after.filter { $0.contains(":nonce:") }.count == before.filter { $0.contains(":nonce:") }.count + 1)
        }
    }

    @Test func entriesOfADeadGatewayAreReclaimed() async throws {
        try await withDeployment(gateways: 0) { system in
            let redis = try system.inspector()
            // A gateway that read an entry and died before settling it: the entry stays pending on it.
            let signer = MCPStreamsClient(gatewayURL: "http://127.0.0.1:1", credentials: ClientCredentials(
                clientID: "client-001", secret: Deployment.clients["client-001"]!, serverID: Deployment.serverID))
            let envelope = signer.envelope(tool: "echo", args: ["message": "orphan"])
            try await redis.xgroupCreate(Self.ingress, group: "gateways", startID: "0")
            try await Self.produce(system, Self.text(envelope))
            let taken = try await redis.xreadgroup(group: "gateways", consumer: "gw-dead", streams: [(Self.ingress, ">")], count: 10)
            #expect(taken.first?.entries.count == 1)

            // The worker's catalog first: a gateway that reads the entry before any worker published `echo` refuses it (unknown_tool).
            #expect(await eventually { (try? await redis.send("HEXISTS", "mcp:tools", "echo").int64) == 1 })
            try await system.startGateway(extraArguments: ["--ingress-lease", "1"])
            let final = try await Self.finalJob(system, requestID: envelope.requestID, client: system.client())
            #expect(final?["status"]?.stringValue == "done")
            #expect(await eventually { (try? await Self.pending(system)) == 0 })
            #expect(try await redis.send("XLEN", Self.rejected).int64 == 0)
        }
    }

    @Test func aReclaimedEntryThatWasAlreadyAcceptedIsNotRefused() async throws {
        try await withDeployment(gateways: 0) { system in
            let redis = try system.inspector()
            let signer = MCPStreamsClient(gatewayURL: "http://127.0.0.1:1", credentials: ClientCredentials(
                clientID: "client-001", secret: Deployment.clients["client-001"]!, serverID: Deployment.serverID))
            let envelope = signer.envelope(tool: "echo", args: ["message": "accepted, then its gateway died"])
            try await redis.xgroupCreate(Self.ingress, group: "gateways", startID: "0")
            try await Self.produce(system, Self.text(envelope))
            _ = try await redis.xreadgroup(group: "gateways", consumer: "gw-dead", streams: [(Self.ingress, ">")], count: 10)

            // The dead gateway had published the job (nonce used, job exists) but never acknowledged the entry.
            // Published through a gateway that leaves ingress alone, so it surely comes before any reclaim:
            // an ingress gateway started first could reclaim the entry (lease 1 s) before the test published it.
            try await system.startGateway(extraArguments: ["--ingress", "off"])
            let accepted = try await system.client().send(envelope.wireBytes())
            #expect(accepted.httpStatus == 200, "\(accepted.response)")
            try await system.startGateway(extraArguments: ["--ingress-lease", "1"])

            #expect(await eventually(timeout: .seconds(30)) { (try? await Self.pending(system)) == 0 })
            #expect(try await redis.send("XLEN", Self.rejected).int64 == 0, "a redelivered, already accepted envelope was refused as replayed")
        }
    }

    @Test func aGatewayWithIngressOffLeavesTheStreamToOthers() async throws {
        try await withDeployment(gatewayArguments: ["--ingress", "off"]) { system in
            let client = system.client()
            let envelope = client.envelope(tool: "noop", args: [:])
            try await Self.produce(system, Self.text(envelope))
            // Give the gateway a few round trips' worth of time: it answers HTTP but never reads the stream.
            for _ in 0..<5 { #expect(try await client.call("server_identity").httpStatus == 200) }
            #expect(try await system.inspector().xinfoGroups(Self.ingress).isEmpty)
            #expect(try await client.call("poll_job", args: ["request_id": .string(envelope.requestID)]).errorCode == "unknown_job")

            try await system.startGateway()  // ingress on by default
            #expect(try await Self.finalJob(system, requestID: envelope.requestID, client: client)?["status"]?.stringValue == "done")
        }
    }
}
