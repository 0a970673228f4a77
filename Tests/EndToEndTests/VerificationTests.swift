import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// DESIGN §3: every refusal answers its own code and HTTP status, is signed by
/// the server, parses as a strict response, and leaves Redis exactly as it was.
@Suite("Verification failures change nothing", .serialized)
struct VerificationTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let status: Int
        let code: String
        let body: @Sendable (MCPStreamsClient) -> [UInt8]
        var description: String { name }
    }

    static func signed(_ client: MCPStreamsClient, tool: String = "batch_sum", args: JSONObject = ["numbers": [1, 2]], edit: (inout JSONObject) -> Void = { _ in }, resign: Bool = true) -> [UInt8] {
        var object = client.envelope(tool: tool, args: args).json().objectValue!
        edit(&object)
        if resign, let envelope = try? Envelope(json: .object(object)) {
            return envelope.signed(with: client.credentials.key).wireBytes()
        }
        return CanonicalJSON.bytes(.object(object))
    }

    static let cases: [Case] = [
        Case(name: "too large", status: 413, code: "payload_too_large") { client in
            signed(client, tool: "echo", args: ["message": .string(String(repeating: "x", count: 1_100_000))])
        },
        Case(name: "not JSON", status: 400, code: "malformed") { _ in Array("{\"v\": \"mcp/0.1\",".utf8) },
        Case(name: "duplicate key", status: 400, code: "malformed") { _ in Array("{\"v\":\"mcp/0.1\",\"v\":\"mcp/0.1\"}".utf8) },
        Case(name: "NaN", status: 400, code: "malformed") { _ in Array("{\"ts_ms\": NaN}".utf8) },
        Case(name: "missing member", status: 400, code: "invalid_envelope") { client in
            signed(client, edit: { $0.removeValue(forKey: "nonce") }, resign: false)
        },
        Case(name: "extra member", status: 400, code: "invalid_envelope") { client in
            signed(client, edit: { $0.set("extra", true) }, resign: false)
        },
        Case(name: "ts_ms as a string", status: 400, code: "invalid_envelope") { client in
            signed(client, edit: { $0.set("ts_ms", "1766383443222") }, resign: false)
        },
        Case(name: "unknown version", status: 400, code: "unsupported_version") { client in signed(client, edit: { $0.set("v", "mcp/9") }) },
        Case(name: "another server", status: 400, code: "wrong_server") { client in signed(client, edit: { $0.set("server_id", "elsewhere") }) },
        Case(name: "unknown client", status: 401, code: "unknown_client") { client in signed(client, edit: { $0.set("client_id", "nobody") }) },
        Case(name: "bad signature", status: 401, code: "bad_signature") { client in
            signed(client, edit: { $0.set("signature", .string(String(repeating: "0", count: 64))) }, resign: false)
        },
        Case(name: "upper-case signature", status: 401, code: "bad_signature") { client in
            var object = client.envelope(tool: "batch_sum", args: ["numbers": [1]]).json().objectValue!
            object.set("signature", .string(object["signature"]!.stringValue!.uppercased()))
            return CanonicalJSON.bytes(.object(object))
        },
        Case(name: "stale", status: 401, code: "stale_request") { client in
            signed(client, edit: { $0.set("ts_ms", .integer(JSONInteger(Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000))) })
        },
        Case(name: "unknown tool", status: 404, code: "unknown_tool") { client in signed(client, tool: "no_such_tool", args: [:]) },
        Case(name: "bad arguments", status: 422, code: "invalid_args") { client in signed(client, args: ["numbers": ["one"]]) },
        // Hardening fault 9: identifiers are Redis key names and log fields, so they are bounded.
        Case(name: "nonce over 128 bytes", status: 400, code: "invalid_envelope") { client in
            signed(client, edit: { $0.set("nonce", .string(String(repeating: "n", count: 129))) })
        },
        Case(name: "request_id of 100 KB", status: 400, code: "invalid_envelope") { client in
            signed(client, edit: { $0.set("request_id", .string(String(repeating: "r", count: 100_000))) })
        },
        // Fault 16: a newline in a request_id forged a log line.
        Case(name: "request_id with a newline", status: 400, code: "invalid_envelope") { client in
            signed(client, edit: { $0.set("request_id", "r1\n2026-11-29T00:00:00+0000 critical forged") })
        },
        // Fault 5: the offset Int64.min trapped; any far-off ts_ms is stale.
        Case(name: "ts_ms near Int64.min", status: 401, code: "stale_request") { client in
            signed(client, edit: { $0.set("ts_ms", .integer(JSONInteger(Int64.min + Int64(Date().timeIntervalSince1970 * 1000)))) })
        },
        Case(name: "ts_ms of 400 digits", status: 401, code: "stale_request") { client in
            signed(client, edit: { $0.set("ts_ms", .integer(JSONInteger(decimal: String(repeating: "9", count: 400))!)) })
        },
    ]

    @Test func everyRefusalHasItsCodeAndChangesNothing() async throws {
        try await withDeployment { system in
            let client = system.client()
            for testCase in Self.cases {
                let before = try await system.snapshot()
                let (status, text, _) = try await HTTP.post(system.url + "/v1/envelopes", body: testCase.body(client))
                #expect(status == testCase.status, "\(testCase.name): HTTP \(status) \(text)")
                let response = try Response(json: try JSONParser.parse(Array(text.utf8)))
                #expect(response.ok == false)
                #expect(response.status == .error)
                #expect(response.error?.hasPrefix(testCase.code + ": ") == true, "\(testCase.name): \(response.error ?? "nil")")
                #expect(response.verify(with: HMACKey(secret: Deployment.serverSecret)), "\(testCase.name): error replies are signed")
                #expect(try await system.snapshot() == before, "\(testCase.name) changed Redis")
            }
        }
    }

    @Test func forbiddenToolForARestrictedClient() async throws {
        try await withDeployment { system in
            let billing = system.client("billing")
            let before = try await system.snapshot()
            let reply = try await billing.call("start_long_task", args: ["seconds": 1])
            #expect(reply.httpStatus == 403)
            #expect(reply.errorCode == "forbidden_tool")
            #expect(try await system.snapshot() == before)
            let allowed = try await billing.call("batch_sum", args: ["numbers": [2, 3]])
            #expect(allowed.response.result?["total"] == .integer(JSONInteger(5)))
            #expect(await system.settled())  // the batch_sum job's acknowledgement would move the snapshot
            // Fault 9: control tools obey the tool list too, except polling and cancelling one's own jobs.
            let before2 = try await system.snapshot()
            let identity = try await billing.call("server_identity")
            #expect(identity.httpStatus == 403)
            #expect(identity.errorCode == "forbidden_tool")
            #expect(try await system.snapshot() == before2)
            let poll = try await billing.call("poll_job", args: ["request_id": "none"])
            #expect(poll.errorCode == "unknown_job")
        }
    }

    @Test func aReplayAcceptedByOneGatewayIsRefusedByAnother() async throws {
        try await withDeployment(gateways: 2) { system in
            let client = system.client()
            // 20 s: the first copy's job cannot finish (and move the snapshot) while the test compares.
            let envelope = client.envelope(tool: "start_long_task", args: ["seconds": 20])
            let first = try await HTTP.post(system.gateways[0].url + "/v1/envelopes", body: envelope.wireBytes())
            #expect(first.0 == 202)
            let before = try await system.snapshot()
            let (status, text, _) = try await HTTP.post(system.gateways[1].url + "/v1/envelopes", body: envelope.wireBytes())
            #expect(status == 409)
            #expect(text.contains("replayed: "))
            #expect(try await system.snapshot() == before)
        }
    }

    @Test func aRetriedRequestIDReturnsTheSameJob() async throws {
        try await withDeployment { system in
            let client = system.client()
            // 20 s: the job's stream entry (deleted once it finishes) is still there when the test counts it.
            let first = try await client.call("start_long_task", args: ["seconds": 20], requestID: "retry-me")
            let second = try await client.call("start_long_task", args: ["seconds": 20], requestID: "retry-me")
            let firstID = try #require(first.jobID)
            #expect(second.jobID == firstID)
            let redis = try system.inspector()
            #expect(try await redis.send("XLEN", "mcp:{0}:stream").int64 == 1)
            let byRequest = try await client.call("poll_job", args: ["request_id": "retry-me"])
            #expect(byRequest.jobID == firstID)
        }
    }

    /// A request id is one call's: sent again with another tool or other args it is refused
    /// (422, the IETF Idempotency-Key draft's answer), never answered with the first call's job.
    @Test func aRequestIDSentAgainForAnotherCallIsRefusedAndChangesNothing() async throws {
        try await withDeployment { system in
            let client = system.client()
            // 20 s: the job cannot finish (and move the snapshot) while the test compares.
            let first = try await client.call("start_long_task", args: ["seconds": 20], requestID: "one-call")
            let firstID = try #require(first.jobID)
            let before = try await system.snapshot()
            for (tool, args) in [("start_long_task", ["seconds": 19] as JSONObject), ("batch_sum", ["numbers": [20]])] {
                let other = try await client.call(tool, args: args, requestID: "one-call")
                #expect(other.httpStatus == 422, "\(tool)")
                #expect(other.errorCode == "request_id_reused", "\(tool)")
                #expect(other.response.error?.contains(firstID) == true, "\(other.response.error ?? "")")
                #expect(other.response.verify(with: HMACKey(secret: Deployment.serverSecret)))
            }
            // Only the refused envelopes' nonces are spent: they can never run later.
            let after = try await system.snapshot()
            #expect(after.filter { !$0.contains(":nonce:") } == before.filter { !$0.contains(":nonce:") }, "a refused call changed Redis")
            #expect(after.filter { $0.contains(":nonce:") }.count == before.filter { $0.contains(":nonce:") }.count + 2)
            // The same call again is a retry, whatever the member order or spacing of its args.
            let retry = try await client.call("start_long_task", args: ["seconds": 20], requestID: "one-call")
            #expect(retry.jobID == firstID)
            #expect(try await system.jobHash(firstID)["fingerprint"]?.utf8.count == 32)
        }
    }

    @Test func anotherClientsJobLooksUnknown() async throws {
        try await withDeployment { system in
            let owner = system.client("client-001")
            let stranger = system.client("client-002")
            let started = try await owner.call("start_long_task", args: ["seconds": 1])
            let jobID = try #require(started.jobID)
            let foreign = try await stranger.poll(jobID: jobID)
            let unknown = try await stranger.poll(jobID: "0123456789abcdef0123456789abcdef")
            #expect(foreign.httpStatus == 404)
            #expect(foreign.errorCode == "unknown_job")
            #expect(unknown.httpStatus == 404)
            #expect(foreign.response.error?.replacingOccurrences(of: jobID, with: "ID") == unknown.response.error?.replacingOccurrences(of: "0123456789abcdef0123456789abcdef", with: "ID"))
            let cancel = try await stranger.cancel(jobID: jobID)
            #expect(cancel.errorCode == "unknown_job")
            #expect(try await owner.poll(jobID: jobID).httpStatus == 200)
        }
    }

    @Test func redisDownAnswersUnavailableFast() async throws {
        try await withDeployment { system in
            let client = system.client()
            await system.redis.crash()
            let clock = ContinuousClock()
            let started = clock.now
            let reply = try await client.call("start_long_task", args: ["seconds": 1])
            #expect(reply.httpStatus == 503)
            #expect(reply.errorCode == "unavailable")
            #expect(clock.now - started < .seconds(10))  // far below the client's 30 s timeout, which a hang would hit
            let (ready, _) = try await HTTP.get(system.url + "/readyz")
            #expect(ready == 503)
        }
    }
}
