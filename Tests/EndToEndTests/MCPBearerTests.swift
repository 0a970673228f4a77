import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// `/mcp` with bearer credentials against a live deployment: API keys of the
/// key ring, and OAuth access tokens verified against an issuer's JWKS. Every
/// refusal has its own code, a `WWW-Authenticate` challenge, and leaves Redis as it was.
@Suite("Bearer API keys and OAuth access tokens on /mcp")
struct MCPBearerTests {
    /// A client that sends no signature: the tests add `Authorization` themselves.
    static func plain(_ system: Deployment) -> MCPHTTPClient {
        MCPHTTPClient(url: system.url + "/mcp", signer: MCPRequestSigner(clientID: "unused", secret: Array("unused".utf8)))
    }

    static func post(_ system: Deployment, _ body: [UInt8], token: String?, extra: [(String, String)] = []) async throws -> MCPHTTPClient.Reply {
        try await plain(system).post(body, headers: (token.map { [("Authorization", "Bearer \($0)")] } ?? []) + extra, sign: false)
    }

    static let sum = MCPEndpointTests.body("tools/call", params: ["name": "batch_sum", "arguments": ["numbers": [1, 2, 3]]])

    static func withIssuer<T>(unlisted: String = "deny", extra: [String] = [], _ body: (Deployment, TestIssuer) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-issuer-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let issuer = try TestIssuer(directory: directory)
        return try await withDeployment(gatewayArguments: [
            "--oauth-issuer", TestIssuer.issuer, "--oauth-jwks", "file:" + issuer.jwksFile.path, "--oauth-unlisted-clients", unlisted,
        ] + extra) { system in
            try await body(system, issuer)
        }
    }

    @Test func anAPIKeyListsCallsAndRunsATaskAsItsClient() async throws {
        try await withDeployment { system in
            let key = Deployment.agentAPIKey
            let list = try await Self.post(system, MCPEndpointTests.body("tools/list"), token: key)
            #expect(list.status == 200)
            let names = list.result?["tools"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } ?? []
            #expect(names.contains("batch_sum"))
            let sum = try await Self.post(system, Self.sum, token: key)
            #expect(sum.status == 200)
            #expect(sum.result?["isError"]?.boolValue != true, "\(String(decoding: sum.body, as: UTF8.self))")
            #expect(String(decoding: sum.body, as: UTF8.self).contains("6"))
            // A task: created with the key, followed with the key; the job belongs to `agent`.
            let created = try await Self.post(system, MCPEndpointTests.body("tools/call", params: ["name": "noop", "arguments": [:]]), token: key)
            let taskID = try #require(created.result?["taskId"]?.stringValue, "\(String(decoding: created.body, as: UTF8.self))")
            let redis = try system.inspector()
            let owner = try await redis.send("HGET", "mcp:{0}:job:\(taskID)", "client_id").string
            #expect(owner == "agent")
            let got = try await Self.post(system, MCPEndpointTests.body("tools/get".replacingOccurrences(of: "tools", with: "tasks"), params: ["taskId": .string(taskID)]), token: key)
            #expect(got.status == 200, "\(String(decoding: got.body, as: UTF8.self))")
            // The same request again is not a replay: a bearer token is not one-time.
            let again = try await Self.post(system, Self.sum, token: key)
            #expect(again.status == 200)
            // Another client cannot see the task.
            let signed = MCPEndpointTests.client(system, "client-002")
            let foreign = try await signed.request("tasks/get", params: ["taskId": .string(taskID)])
            #expect(foreign.errorCode == "unknown_task")
        }
    }

    /// A 2025-11-25 task-augmented call's `task.ttl` is read, so it must be one (outside attack, 2026-11-30).
    @Test func aTaskTTLThatIsNoDurationIsInvalidParams() async throws {
        try await withDeployment { system in
            func call(task: String) -> [UInt8] {
                Array(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"noop","arguments":{},"task":\#(task)}}"#.utf8)
            }
            for task in [#"{"ttl":"x"}"#, #"{"ttl":-1}"#, #"{"ttl":1e30}"#, #"{"ttl":1.5}"#, "7", "[]"] {
                let refused = try await Self.post(system, call(task: task), token: Deployment.agentAPIKey)
                #expect(refused.errorCode == "invalid_params", "\(task): \(String(decoding: refused.body, as: UTF8.self))")
            }
            #expect(try await system.inspector().send("KEYS", "mcp:{0}:job:*").array?.isEmpty == true)
            let created = try await Self.post(system, call(task: #"{"ttl":60000}"#), token: Deployment.agentAPIKey)
            #expect(created.result?["task"]?.objectValue?["taskId"]?.stringValue != nil, "\(String(decoding: created.body, as: UTF8.self))")
        }
    }

    @Test func metadataAndChallengesFollowRFC9728AndRFC6750() async throws {
        try await Self.withIssuer { system, _ in
            for path in ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"] {
                let (status, body) = try await HTTP.get(system.url + path)
                #expect(status == 200, "\(path)")
                let document = try #require(try JSONParser.parse(Array(body.utf8)).objectValue)
                #expect(document["resource"]?.stringValue == system.url + "/mcp")
                #expect(document["authorization_servers"]?.arrayValue?.first?.stringValue == TestIssuer.issuer)
                let scopes = document["scopes_supported"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(scopes.contains("mcp:tools") && scopes.contains("mcp:tool:batch_sum"), "\(scopes)")
                #expect(document["bearer_methods_supported"]?.arrayValue?.compactMap(\.stringValue) == ["header"])
            }
            let metadata = "resource_metadata=\"\(system.url)/.well-known/oauth-protected-resource/mcp\""
            let before = try await system.snapshot()
            let anonymous = try await Self.post(system, Self.sum, token: nil)
            #expect(anonymous.status == 401)
            #expect(anonymous.errorCode == "missing_credentials")
            let challenge = try #require(anonymous.headers["www-authenticate"])
            #expect(challenge.hasPrefix("Bearer ") && challenge.contains(metadata) && !challenge.contains("error="), "\(challenge)")
            let unknown = try await Self.post(system, Self.sum, token: "mcps_not-a-key-of-this-deployment")
            #expect(unknown.status == 401)
            #expect(unknown.errorCode == "unknown_api_key")
            #expect(unknown.headers["www-authenticate"]?.contains("error=\"invalid_token\"") == true)
            #expect(unknown.headers["www-authenticate"]?.contains(metadata) == true)
            let malformed = try await Self.post(system, Self.sum, token: nil, extra: [("Authorization", "Basic dXNlcjpwYXNz")])
            #expect(malformed.errorCode == "malformed_authorization")
            #expect(malformed.headers["www-authenticate"]?.contains("error=\"invalid_request\"") == true)
            // A signature failure carries the challenge too (without an error: no bearer token was sent).
            let forger = MCPHTTPClient(url: system.url + "/mcp", signer: MCPRequestSigner(clientID: "client-001", secret: Array("wrong".utf8)))
            let forged = try await forger.post(Self.sum)
            #expect(forged.errorCode == "bad_signature")
            #expect(forged.headers["www-authenticate"]?.contains(metadata) == true)
            // `agent` has no secret: it may not sign, whatever it sends.
            let agentSigning = MCPHTTPClient(url: system.url + "/mcp", signer: MCPRequestSigner(clientID: "agent", secret: Array("guess".utf8)))
            #expect(try await agentSigning.post(Self.sum).errorCode == "auth_method_not_allowed")
            #expect(try await system.snapshot() == before)
        }
    }

    @Test func accessTokensOfEveryAlgorithmCallTools() async throws {
        try await Self.withIssuer { system, issuer in
            let resource = system.url + "/mcp"
            for signer in [TestIssuer.Signer.rsa, .ec, .ed] {
                let token = try issuer.token(TestIssuer.claims(client: "ide", resource: resource), signer: signer)
                let reply = try await Self.post(system, Self.sum, token: token)
                #expect(reply.status == 200, "\(signer): \(String(decoding: reply.body, as: UTF8.self))")
                #expect(reply.result?["isError"]?.boolValue != true)
            }
            // Scopes narrow the tools: one tool granted, another refused with 403 naming the scope.
            let narrow = try issuer.token(TestIssuer.claims(client: "ide", resource: resource, scope: "mcp:tool:batch_sum"))
            let list = try await Self.post(system, MCPEndpointTests.body("tools/list"), token: narrow)
            #expect(list.result?["tools"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } == ["batch_sum"])
            #expect(try await Self.post(system, Self.sum, token: narrow).status == 200)
            let before = try await system.snapshot()
            let noop = try await Self.post(system, MCPEndpointTests.body("tools/call", params: ["name": "noop", "arguments": [:]]), token: narrow)
            #expect(noop.status == 403)
            #expect(noop.errorCode == "insufficient_scope")
            let challenge = noop.headers["www-authenticate"] ?? ""
            #expect(challenge.contains("error=\"insufficient_scope\"") && challenge.contains("scope=\"mcp:tool:noop\""), "\(challenge)")
            #expect(try await system.snapshot() == before)
        }
    }

    @Test func everyBadTokenIsRefusedWithItsOwnCodeAndChangesNothing() async throws {
        try await Self.withIssuer { system, issuer in
            let resource = system.url + "/mcp"
            let now = Int64(Date().timeIntervalSince1970)
            var expired = TestIssuer.claims(client: "ide", resource: resource)
            expired["exp"] = .integer(JSONInteger(now - 600))
            expired["iat"] = .integer(JSONInteger(now - 900))
            var early = TestIssuer.claims(client: "ide", resource: resource)
            early["nbf"] = .integer(JSONInteger(now + 600))
            var foreignIssuer = TestIssuer.claims(client: "ide", resource: resource)
            foreignIssuer["iss"] = "https://elsewhere.test"
            let otherResource = TestIssuer.claims(client: "ide", resource: "https://other.example/mcp")
            let good = try issuer.token(TestIssuer.claims(client: "ide", resource: resource))
            var tampered = good.split(separator: ".").map(String.init)
            var claims = TestIssuer.claims(client: "ide", resource: resource)
            claims["scope"] = "mcp:tools admin"
            tampered[1] = Base64URL.encode(CanonicalJSON.bytes(.object(claims)))
            let cases: [(String, String)] = [
                ("token_expired", try issuer.token(expired)),
                ("token_not_yet_valid", try issuer.token(early)),
                ("wrong_issuer", try issuer.token(foreignIssuer)),
                ("wrong_audience", try issuer.token(otherResource)),
                ("unknown_key_id", try issuer.token(TestIssuer.claims(client: "ide", resource: resource), header: ["kid": "rotated-away"])),
                ("unsupported_token_algorithm", TestIssuer.unsigned(TestIssuer.claims(client: "ide", resource: resource))),
                ("unsupported_token_algorithm", try issuer.hmacWithPublicKey(TestIssuer.claims(client: "ide", resource: resource))),
                ("bad_token_signature", tampered.joined(separator: ".")),
                ("auth_method_not_allowed", try issuer.token(TestIssuer.claims(client: "client-001", resource: resource))),
                ("unknown_client", try issuer.token(TestIssuer.claims(client: "stranger", resource: resource))),
                ("malformed_token", "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln"),
            ]
            let before = try await system.snapshot()
            for (code, token) in cases {
                let reply = try await Self.post(system, Self.sum, token: token)
                #expect(reply.status == 401, "\(code): HTTP \(reply.status)")
                #expect(reply.errorCode == code, "\(code): \(String(decoding: reply.body, as: UTF8.self))")
                #expect(reply.headers["www-authenticate"]?.contains("error=\"invalid_token\"") == true, "\(code)")
            }
            #expect(try await system.snapshot() == before)
        }
    }

    /// RFC 7515 §4.1.11: a JWS whose `crit` lists extensions the recipient does not understand must be refused;
    /// the gateway understands none. `typ` is not required to be `at+jwt`.
    @Test func aTokenOrProofWithCriticalHeaderExtensionsIsRefused() async throws {
        try await Self.withIssuer { system, issuer in
            let resource = system.url + "/mcp"
            let dpop = TestIssuer.DPoPKey()
            let boundToken = try issuer.boundToken(client: "ide", resource: resource, to: dpop)
            let before = try await system.snapshot()
            for critical: JSONValue in [["exp"], ["b64"], [], "exp"] {
                for signer in [TestIssuer.Signer.rsa, .ed] {
                    let token = try issuer.token(TestIssuer.claims(client: "ide", resource: resource), signer: signer, header: ["crit": critical, "exp": 1])
                    let reply = try await Self.post(system, Self.sum, token: token)
                    #expect(reply.status == 401, "crit \(critical): HTTP \(reply.status)")
                    #expect(reply.errorCode == "unsupported_critical_header", "crit \(critical): \(String(decoding: reply.body, as: UTF8.self))")
                    let challenge = reply.headers["www-authenticate"] ?? ""
                    #expect(challenge.contains("error=\"invalid_token\"") && challenge.contains("critical extensions"), "\(challenge)")
                }
            }
            let proof = try dpop.proof(url: resource, accessToken: boundToken, header: ["crit": ["htm"]])
            let refused = try await Self.plain(system).post(Self.sum, headers: [("Authorization", "DPoP \(boundToken)"), ("DPoP", proof)], sign: false)
            #expect(refused.status == 401 && refused.errorCode == "invalid_dpop_proof", "\(String(decoding: refused.body, as: UTF8.self))")
            #expect(refused.headers["www-authenticate"]?.contains("critical extensions") == true, "\(refused.headers)")
            #expect(try await system.snapshot() == before)
            // Without crit, `typ: JWT` (what many issuers send) is accepted as RFC 9068's `at+jwt` is.
            for type: JSONValue in ["JWT", "application/at+jwt"] {
                let token = try issuer.token(TestIssuer.claims(client: "ide", resource: resource), header: ["typ": type])
                let reply = try await Self.post(system, Self.sum, token: token)
                #expect(reply.status == 200, "typ \(type): \(String(decoding: reply.body, as: UTF8.self))")
            }
        }
    }

    @Test func unlistedClientsGetTheirScopesUnderTheScopesPolicy() async throws {
        try await Self.withIssuer(unlisted: "scopes") { system, issuer in
            let resource = system.url + "/mcp"
            let token = try issuer.token(TestIssuer.claims(client: "https://app.example/client.json", resource: resource, scope: "mcp:tool:batch_sum"))
            let reply = try await Self.post(system, Self.sum, token: token)
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            // A key-ring client that does not allow OAuth is still refused: the policy never borrows its identity.
            let borrowed = try issuer.token(TestIssuer.claims(client: "client-001", resource: resource))
            #expect(try await Self.post(system, Self.sum, token: borrowed).errorCode == "auth_method_not_allowed")
        }
    }

    @Test func aDPoPBoundTokenNeedsAFreshProofOfItsKey() async throws {
        try await Self.withIssuer { system, issuer in
            let resource = system.url + "/mcp"
            let dpop = TestIssuer.DPoPKey()
            let token = try issuer.boundToken(client: "ide", resource: resource, to: dpop)
            let proof = try dpop.proof(url: resource, accessToken: token)
            let first = try await Self.plain(system).post(Self.sum, headers: [("Authorization", "DPoP \(token)"), ("DPoP", proof)], sign: false)
            #expect(first.status == 200, "\(String(decoding: first.body, as: UTF8.self))")
            #expect(await system.settled())
            let before = try await system.snapshot()
            let cases: [(String, [(String, String)])] = [
                ("dpop_proof_required", [("Authorization", "DPoP \(token)")]),
                ("replayed", [("Authorization", "DPoP \(token)"), ("DPoP", proof)]),
                ("invalid_dpop_proof", [("Authorization", "DPoP \(token)"), ("DPoP", try TestIssuer.DPoPKey().proof(url: resource, accessToken: token))]),
                ("invalid_dpop_proof", [("Authorization", "DPoP \(token)"), ("DPoP", try dpop.proof(url: "https://other.example/mcp", accessToken: token))]),
                ("invalid_dpop_proof", [("Authorization", "DPoP \(token)"), ("DPoP", try dpop.proof(method: "GET", url: resource, accessToken: token))]),
                ("invalid_dpop_proof", [("Authorization", "DPoP \(token)"), ("DPoP", try dpop.proof(url: resource, accessToken: token, iat: Int64(Date().timeIntervalSince1970) - 3600))]),
                ("invalid_dpop_proof", [("Authorization", "DPoP \(token)"), ("DPoP", try dpop.proof(url: resource, accessToken: "another-token"))]),
                // An API key under the DPoP scheme: a proof would bind nothing, so it is refused, not ignored.
                ("dpop_scheme_unbound", [("Authorization", "DPoP \(Deployment.agentAPIKey)"), ("DPoP", "a.b.c")]),
            ]
            for (code, headers) in cases {
                let reply = try await Self.plain(system).post(Self.sum, headers: headers, sign: false)
                #expect(reply.status == 401, "\(code): HTTP \(reply.status)")
                #expect(reply.errorCode == code, "\(code): \(String(decoding: reply.body, as: UTF8.self))")
            }
            // The refused replay spent nothing new; the refused proofs wrote their jti only where they were fresh and valid: none was.
            let after = try await system.snapshot()
            #expect(after == before, "\(Set(after).symmetricDifference(before))")
        }
    }

    @Test func mcpctlMakesAnAPIKeyAndCallsWithIt() async throws {
        try await withDeployment { system in
            // keygen --api-key: the entry holds the digest only; the token it prints opens that entry.
            let keygen = try await ChildProcess(
                executable: "mcpctl", arguments: ["keygen", "robot", "--api-key", "--tools", "batch_sum"], environment: [:],
                logDirectory: system.directory, name: "mcpctl-keygen")
            #expect(await keygen.waitForExit(timeout: .seconds(20)))
            let lines = keygen.log.split(separator: "\n").map(String.init)
            let entry = try #require(lines.first { $0.hasPrefix("\"robot\"") })
            let token = try #require(lines.first { $0.hasPrefix("export MCP_BEARER=") }?.dropFirst("export MCP_BEARER=".count))
            #expect(!entry.contains(token))
            let ring = try KeyRing.parse(bytes: Array("{\"server_id\": \"s\", \"server_secret\": \"x\", \"clients\": {\(entry)}}".utf8), environment: [:])
            #expect(ring.client(forAPIKey: String(token))?.allowedTools == ["batch_sum"])
            // mcp call with MCP_BEARER (the deployment's own agent key), responses verified with the server secret.
            let sum = try await ChildProcess(
                executable: "mcpctl", arguments: ["mcp", "call", "batch_sum", "--args", "{\"numbers\":[1,2.5]}"],
                environment: [
                    "MCP_GATEWAY_URL": system.url, "MCP_BEARER": Deployment.agentAPIKey,
                    "MCP_SERVER_ID": Deployment.serverID, "MCP_SERVER_SECRET": "raw:server-secret-for-tests",
                ], logDirectory: system.directory, name: "mcpctl-bearer")
            #expect(await sum.waitForExit(timeout: .seconds(20)))
            #expect(sum.exitStatus == 0, "\(sum.log)")
            #expect(sum.log.contains("{\"count\":2,\"total\":3.5}"))
            let refused = try await ChildProcess(
                executable: "mcpctl", arguments: ["mcp", "tools", "--bearer", "mcps_wrong"], environment: ["MCP_GATEWAY_URL": system.url],
                logDirectory: system.directory, name: "mcpctl-wrong")
            #expect(await refused.waitForExit(timeout: .seconds(20)))
            #expect(refused.exitStatus != 0)
            #expect(refused.log.contains("unknown_api_key"), "\(refused.log)")
        }
    }

    @Test func aRotatedKeyIsFoundByReloadingAtMostOncePerInterval() async throws {
        // Default interval (30 s): the keys were loaded at start, so a new kid now is not looked for yet.
        try await Self.withIssuer { system, issuer in
            try issuer.publish(extraECKid: "ec-2")
            let token = try issuer.token(TestIssuer.claims(client: "ide", resource: system.url + "/mcp"), signer: .ec, header: ["kid": "ec-2"])
            #expect(try await Self.post(system, Self.sum, token: token).errorCode == "unknown_key_id")
        }
        // No interval: an unknown kid reloads the set, and the rotated key verifies.
        try await Self.withIssuer(extra: ["--oauth-key-refresh", "0"]) { system, issuer in
            let token = try issuer.token(TestIssuer.claims(client: "ide", resource: system.url + "/mcp"), signer: .ec, header: ["kid": "ec-2"])
            #expect(try await Self.post(system, Self.sum, token: token).errorCode == "unknown_key_id")
            try issuer.publish(extraECKid: "ec-2")
            let reply = try await Self.post(system, Self.sum, token: token)
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        }
    }
}
