import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// The ingress producer examples run against a live deployment, as another
/// service would: `examples/python/produce.py` (redis-py) and
/// `examples/shell/produce.sh` (bash, redis-cli, openssl). Each prints a
/// request id whose job must complete.
@Suite("Ingress producer examples against a live deployment")
struct ProducerExampleTests {
    static let root = PythonScript.repositoryRoot

    static func environment(_ system: Deployment, client: String) throws -> [String: String] {
        [
            "MCP_REDIS_URL": system.redis.url,
            "MCP_CLIENT_ID": client,
            "MCP_CLIENT_SECRET": try #require(String(bytes: Deployment.clients[client]!, encoding: .ascii)),
            "MCP_SERVER_ID": Deployment.serverID,
        ]
    }

    /// Polls by request id until the job is done and returns its result.
    static func result(_ system: Deployment, client: String, requestID: String) async throws -> JSONObject? {
        let gateway = system.client(client)
        var result: JSONObject?
        _ = await eventually(timeout: .seconds(30)) {
            let reply = try? await gateway.call("poll_job", args: ["request_id": .string(requestID)])
            guard reply?.response.result?["status"]?.stringValue == "done" else { return false }
            result = reply?.response.result?["result"]?.objectValue
            return true
        }
        return result
    }

    @Test func pythonProducer() async throws {
        let python = Self.root.appendingPathComponent(".venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run `make venv` first (make test does it)")
        try await withDeployment { system in
            let run = try await ExternalProgram.run(
                python.path, [Self.root.appendingPathComponent("examples/python/produce.py").path, "batch_sum", "{\"numbers\": [1, 2.5, 3, 10]}"],
                environment: try Self.environment(system, client: "client-001"), in: system.directory)
            #expect(run.status == 0, "produce.py failed: \(run.errors)")
            let requestID = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!requestID.isEmpty)
            let result = try await Self.result(system, client: "client-001", requestID: requestID)
            #expect(result?["total"] == .float(16.5), "\(String(describing: result))")
            #expect(try await system.inspector().send("XLEN", "mcp:ingress:rejected").int64 == 0)
        }
    }

    /// With MCP_REPLY_TO the example blocks on its results stream and prints the answer: no polling.
    @Test func pythonProducerWaitsForItsAnswer() async throws {
        let python = Self.root.appendingPathComponent(".venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run `make venv` first (make test does it)")
        try await withDeployment { system in
            var environment = try Self.environment(system, client: "client-001")
            environment["MCP_REPLY_TO"] = "example"
            let run = try await ExternalProgram.run(
                python.path, [Self.root.appendingPathComponent("examples/python/produce.py").path, "batch_sum", "{\"numbers\": [2, 3.5]}"],
                environment: environment, in: system.directory)
            #expect(run.status == 0, "produce.py failed: \(run.errors)")
            let lines = run.output.split(separator: "\n").map(String.init)
            try #require(lines.count == 2, "\(run.output)")
            let answer = try #require(try JSONParser.parse(lines[1]).objectValue)
            #expect(answer["request_id"]?.stringValue == lines[0])
            #expect(answer["status"]?.stringValue == "done")
            #expect(try JSONParser.parse(answer["result"]?.stringValue ?? "").objectValue?["total"] == .float(5.5), "\(answer)")

            // Refused (billing may not call echo): the answer says why, and the script exits 1.
            var refused = try Self.environment(system, client: "billing")
            refused["MCP_REPLY_TO"] = "example"
            let denied = try await ExternalProgram.run(
                python.path, [Self.root.appendingPathComponent("examples/python/produce.py").path, "echo", "{\"message\": \"hi\"}"],
                environment: refused, in: system.directory)
            #expect(denied.status == 1, "\(denied.output) \(denied.errors)")
            let deniedLines = denied.output.split(separator: "\n").map(String.init)
            let lastLine = try #require(deniedLines.last)
            let reason = try #require(try JSONParser.parse(lastLine).objectValue)
            #expect(reason["status"]?.stringValue == "refused" && reason["error_code"]?.stringValue == "forbidden_tool", "\(reason)")
        }
    }

    @Test func shellProducer() async throws {
        try await withDeployment { system in
            // billing may only call batch_sum: the script's one tool.
            let run = try await ExternalProgram.run(
                "bash", [Self.root.appendingPathComponent("examples/shell/produce.sh").path, "4", "5", "-2"],
                environment: try Self.environment(system, client: "billing"), in: system.directory)
            #expect(run.status == 0, "produce.sh failed: \(run.errors)")
            let requestID = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(requestID.count == 32)
            let result = try await Self.result(system, client: "billing", requestID: requestID)
            #expect(result?["total"] == .integer(JSONInteger(7)), "\(String(describing: result))")
            #expect(result?["count"] == .integer(JSONInteger(3)))
            #expect(try await system.inspector().send("XLEN", "mcp:ingress:rejected").int64 == 0)
        }
    }
}
