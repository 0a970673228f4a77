import Foundation
import MCPClient
import MCPWire
import RedisTestSupport
import Testing

/// `/mcp` signatures are checked against this deployment's own origin, expire,
/// cannot be replayed after a refusal, and responses are bound to their request.
@Suite("MCP signature binding", .serialized)
struct MCPSignatureBindingTests {
    static func call(_ name: String, _ arguments: JSONObject) -> [UInt8] {
        MCPEndpointTests.body("tools/call", params: ["name": .string(name), "arguments": .object(arguments)])
    }

    @Test func aRequestSignedForAnotherDeploymentIsRefused() async throws {
        try await withDeployment { system in
            let client = MCPEndpointTests.client(system)
            let body = Self.call("noop", [:])
            let before = try await system.snapshot()
            // Signed for another origin, and sent with that origin's Host: the gateway uses its own.
            let foreign = try client.signer.headers(targetURI: "http://mcp.other.example:8080/mcp", body: body)
            let named = try await client.post(body, headers: foreign + [("Host", "mcp.other.example:8080")], sign: false)
            #expect(named.status == 401)
            #expect(named.errorCode == "wrong_target", "\(String(decoding: named.body, as: UTF8.self))")
            // The same with our Host: the signature simply does not verify.
            let plain = try await client.post(body, headers: foreign, sign: false)
            #expect(plain.status == 401)
            #expect(plain.errorCode == "bad_signature")
            #expect(try await system.snapshot() == before)
            // Signed for this gateway's origin (its listening address, the default): accepted.
            #expect(try await client.post(body).status == 200)
        }
    }

    @Test func theConfiguredPublicURLIsWhatRequestsMustSign() async throws {
        try await withDeployment(gatewayArguments: ["--public-url", "https://mcp.example.com"]) { system in
            let client = MCPEndpointTests.client(system)
            let body = Self.call("noop", [:])
            let direct = try await client.post(body)  // signs http://127.0.0.1:port/mcp
            #expect(direct.status == 401)
            #expect(direct.errorCode == "wrong_target")
            let headers = try client.signer.headers(targetURI: "https://mcp.example.com/mcp", body: body)
            let published = try await client.post(body, headers: headers, sign: false)
            #expect(published.status == 200, "\(String(decoding: published.body, as: UTF8.self))")
        }
    }

    @Test func anExpiredSignatureIsRefusedWithItsOwnCode() async throws {
        try await withDeployment { system in
            let client = MCPEndpointTests.client(system)
            let body = Self.call("noop", [:])
            let now = Int64(Date().timeIntervalSince1970)
            let before = try await system.snapshot()
            let expired = try client.signer.headers(targetURI: client.url, body: body, created: now - 5, expires: now - 2)
            let reply = try await client.post(body, headers: expired, sign: false)
            #expect(reply.status == 401)
            #expect(reply.errorCode == "expired_signature")
            #expect(try await system.snapshot() == before)
            let fresh = try client.signer.headers(targetURI: client.url, body: body, expires: now + 60)
            #expect(try await client.post(body, headers: fresh, sign: false).status == 200)
        }
    }

    @Test func aRefusedToolCallCannotBeReplayed() async throws {
        try await withDeployment { system in
            let client = MCPEndpointTests.client(system)
            let refusals: [([UInt8], (MCPHTTPClient.Reply) -> Bool)] = [
                (Self.call("no_such_tool", [:]), { $0.errorCode == "unknown_tool" }),
                (Self.call("batch_sum", ["numbers": ["x"]]), { $0.result?["isError"] == true }),
                (Array(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"nope"}"#.utf8), { $0.status == 400 }),
            ]
            for (body, refused) in refusals {
                let headers = try client.signer.headers(targetURI: client.url, body: body)
                let first = try await client.post(body, headers: headers, sign: false)
                #expect(refused(first), "\(String(decoding: first.body, as: UTF8.self))")
                let replay = try await client.post(body, headers: headers, sign: false)
                #expect(replay.status == 401)
                #expect(replay.errorCode == "replayed", "\(String(decoding: replay.body, as: UTF8.self))")
            }
        }
    }

    @Test func aResponseIsBoundToItsRequestAndClient() async throws {
        try await withDeployment { system in
            let client = MCPEndpointTests.client(system)
            let verifier = MCPResponseVerifier(serverID: Deployment.serverID, secret: Deployment.serverSecret)
            let body = Self.call("echo", ["message": "hi"])
            let headersA = try client.signer.headers(targetURI: client.url, body: body)
            let headersB = try client.signer.headers(targetURI: client.url, body: body)
            let other = MCPRequestSigner(clientID: "client-002", secret: Deployment.clients["client-002"]!)
            let headersC = try other.headers(targetURI: client.url, body: body, nonce: "same-nonce")
            let reply = try await client.post(body, headers: headersA, sign: false)  // verified by the client's own verifier
            #expect(reply.status == 200)
            #expect(reply.headers["signature-input"]?.contains(#""signature";req;key="sig1""#) == true)
            func lowered(_ headers: [(String, String)]) -> [String: String] {
                var map = ["content-type": "application/json"]
                for (name, value) in headers { map[name.lowercased()] = value }
                return map
            }
            #expect(verifier.verify(status: reply.status, headers: reply.headers, body: reply.body, request: lowered(headersA)))
            #expect(!verifier.verify(status: reply.status, headers: reply.headers, body: reply.body, request: lowered(headersB)))
            #expect(!verifier.verify(status: reply.status, headers: reply.headers, body: reply.body, request: lowered(headersC)))
            // Refusals are bound too (here: a replay of request A).
            let replay = try await client.post(body, headers: headersA, sign: false)
            #expect(replay.errorCode == "replayed")
            #expect(!verifier.verify(status: replay.status, headers: replay.headers, body: replay.body, request: lowered(headersB)))
        }
    }
}
