import Foundation
import MCPClient
import MCPWire
import RedisTestSupport
import Testing

/// `/mcp` against real processes: authentication failures, task ownership,
/// responses tied to their HTTP request, batches, exact numbers.
@Suite("MCP endpoint", .serialized)
struct MCPEndpointTests {
    static func client(_ system: Deployment, _ id: String = "client-001", gateway: Int = 0) -> MCPHTTPClient {
        MCPHTTPClient(
            url: system.gateways[gateway].url + "/mcp",
            signer: MCPRequestSigner(clientID: id, secret: Deployment.clients[id]!),
            verifier: MCPResponseVerifier(serverID: Deployment.serverID, secret: Deployment.serverSecret))
    }

    static func body(_ method: String, id: JSONValue = 1, params: JSONObject = [:]) -> [UInt8] {
        var params = params
        params["_meta"] = .object(MCPHTTPClient.modernMeta)
        return CanonicalJSON.bytes(.object(["jsonrpc": "2.0", "id": id, "method": .string(method), "params": .object(params)]))
    }

    @Test func everyAuthenticationFailureIs401WithItsCodeAndChangesNothing() async throws {
        try await withDeployment { system in
            let good = Self.client(system)
            let url = good.url
            let call = Self.body("tools/call", params: ["name": "noop", "arguments": [:]])
            let stranger = MCPHTTPClient(url: url, signer: MCPRequestSigner(clientID: "nobody", secret: Array("x".utf8)))
            let forger = MCPHTTPClient(url: url, signer: MCPRequestSigner(clientID: "client-001", secret: Array("wrong".utf8)))
            let oldHeaders = try good.signer.headers(targetURI: url, body: call, created: Int64(Date().timeIntervalSince1970) - 3600)
            let tamperedDigest = try good.signer.headers(targetURI: url, body: Array("{}".utf8))
            let cases: [(String, () async throws -> MCPHTTPClient.Reply)] = [
                ("missing_credentials", { try await good.post(call, sign: false) }),
                ("unknown_client", { try await stranger.post(call) }),
                ("bad_signature", { try await forger.post(call) }),
                ("stale_request", { try await good.post(call, headers: oldHeaders, sign: false) }),
                ("bad_digest", { try await good.post(call, headers: tamperedDigest, sign: false) }),
            ]
            let redis = try system.inspector()
            for (code, send) in cases {
                let before = try await system.snapshot()
                let reply = try await send()
                #expect(reply.status == 401, "\(code): HTTP \(reply.status)")
                #expect(reply.errorCode == code, "\(code): \(String(decoding: reply.body, as: UTF8.self))")
                #expect(reply.error?["message"]?.stringValue?.hasPrefix(code) == true)
                #expect(try await system.snapshot() == before, "\(code) changed Redis")
            }
            // A replay: the same signed request twice. The first creates a task; the second is refused.
            let headers = try good.signer.headers(targetURI: url, body: call)
            let first = try await good.post(call, headers: headers, sign: false)
            #expect(first.result?["resultType"] == "task")
            #expect(await system.settled())  // the noop job's acknowledgement would move the snapshot
            let before = try await system.snapshot()
            let replay = try await good.post(call, headers: headers, sign: false)
            #expect(replay.status == 401)
            #expect(replay.errorCode == "replayed")
            #expect(try await system.snapshot() == before)
            _ = redis
        }
    }

    @Test func aTaskBelongsToItsClientAndAnyGatewayServesIt() async throws {
        try await withDeployment(gateways: 2) { system in
            let owner = Self.client(system, gateway: 0)
            let ownerOnB = Self.client(system, gateway: 1)
            let stranger = Self.client(system, "client-002", gateway: 1)
            let created = try await owner.request("tools/call", params: ["name": "start_long_task", "arguments": ["seconds": 1]])
            let taskID = try #require(created.result?["taskId"]?.stringValue)
            #expect(created.result?["status"] == "working")
            #expect(created.result?["ttlMs"] != nil)

            let foreign = try await stranger.request("tasks/get", params: ["taskId": .string(taskID)])
            let unknown = try await stranger.request("tasks/get", params: ["taskId": .string(UnknownJob.id)])
            #expect(foreign.error?["code"] == .integer(-32602))
            #expect(foreign.errorCode == "unknown_task")
            #expect(unknown.errorCode == "unknown_task")
            #expect(foreign.error?["message"]?.stringValue?.replacingOccurrences(of: taskID, with: "ID")
                    == unknown.error?["message"]?.stringValue?.replacingOccurrences(of: UnknownJob.id, with: "ID"))
            #expect(try await stranger.request("tasks/cancel", params: ["taskId": .string(taskID)]).errorCode == "unknown_task")

            var final: JSONObject?
            _ = await eventually(timeout: .seconds(30)) {
                let poll = try? await ownerOnB.request("tasks/get", params: ["taskId": .string(taskID)])
                final = poll?.result
                return final?["status"] == "completed"
            }
            #expect(final?["status"] == "completed")
            #expect(final?["result"]?.objectValue?["structuredContent"]?.objectValue?["duration_s"] == .integer(1))
        }
    }

    @Test func responsesBelongToTheirRequestsNotTheirIDs() async throws {
        try await withDeployment { system in
            let client = Self.client(system)
            let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for n in 0..<100 {
                    group.addTask {
                        let body = Self.body("tools/call", id: 1, params: ["name": "echo", "arguments": ["message": .string("m\(n)")]])
                        let reply = try await client.post(body)
                        return (n, reply.result?["structuredContent"]?.objectValue?["message"]?.stringValue)
                    }
                }
                return try await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == 100)
            for n in 0..<100 { #expect(answers[n] == "m\(n)") }
        }
    }

    @Test func batchesAreRefusedAndNumbersKeepTheirForm() async throws {
        try await withDeployment { system in
            let client = Self.client(system)
            let batch = Array("[\(String(decoding: Self.body("ping"), as: UTF8.self))]".utf8)
            let refused = try await client.post(batch)
            #expect(refused.status == 400)
            #expect(refused.error?["code"] == .integer(-32600))
            #expect(refused.error?["message"]?.stringValue?.contains("batches are not supported") == true)

            let data: JSONValue = ["big": .integer(JSONInteger(decimal: "123456789012345678901234567890")!), "one": 1.0, "n": 3]
            let reply = try await client.request("tools/call", params: ["name": "echo", "arguments": ["message": "x", "data": data]])
            let text = String(decoding: reply.body, as: UTF8.self)
            #expect(text.contains("\"big\":123456789012345678901234567890"))
            #expect(text.contains("\"one\":1.0"))
            #expect(reply.result?["structuredContent"]?.objectValue?["data"] == data)

            let bad = try await client.request("tools/call", params: ["name": "batch_sum", "arguments": ["numbers": ["x"]]])
            #expect(bad.result?["isError"] == true)
            #expect(bad.result?["content"]?.arrayValue?.first?.objectValue?["text"]?.stringValue?.contains("arguments.numbers[0]") == true)

            let (get, _) = try await HTTP.get(system.url + "/mcp")
            #expect(get == 405)

            // Routing headers must agree with the body.
            let call = Self.body("tools/call", params: ["name": "echo", "arguments": ["message": "x"]])
            let mismatch = try await client.post(call, headers: [("Mcp-Method", "tools/call"), ("Mcp-Name", "batch_sum")])
            #expect(mismatch.status == 400)
            #expect(mismatch.error?["code"] == .integer(-32020))
            let wrongMethod = try await client.post(call, headers: [("Mcp-Method", "tools/list")])
            #expect(wrongMethod.error?["code"] == .integer(-32020))
        }
    }

    @Test func mcpctlRunsAToolAndATaskThroughMCP() async throws {
        try await withDeployment { system in
            let environment = [
                "MCP_GATEWAY_URL": system.url, "MCP_CLIENT_ID": "client-001", "MCP_CLIENT_SECRET": "raw:client_secret",
                "MCP_SERVER_ID": Deployment.serverID, "MCP_SERVER_SECRET": "raw:server-secret-for-tests",
            ]
            let sum = try await ChildProcess(executable: "mcpctl", arguments: ["mcp", "call", "batch_sum", "--args", "{\"numbers\":[1,2.5]}"],
                                       environment: environment, logDirectory: system.directory, name: "mcpctl-sum")
            #expect(await sum.waitForExit(timeout: .seconds(20)))
            #expect(sum.exitStatus == 0)
            #expect(sum.log.contains("{\"count\":2,\"total\":3.5}"))
            let task = try await ChildProcess(executable: "mcpctl", arguments: ["mcp", "call", "start_long_task", "--args", "{\"seconds\":1,\"payload\":7}"],
                                        environment: environment, logDirectory: system.directory, name: "mcpctl-task")
            #expect(await task.waitForExit(timeout: .seconds(20)))
            #expect(task.exitStatus == 0, "\(task.log)")
            #expect(task.log.contains("\"echo_payload\":7"))
            #expect(task.log.contains("100%"))
        }
    }
}

/// A well-formed job id no job has.
enum UnknownJob {
    static let id = "0123456789abcdef0123456789abcdef"
}
