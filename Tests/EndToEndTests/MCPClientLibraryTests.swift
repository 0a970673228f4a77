import Foundation
import Testing

/// Stock MCP client libraries from PyPI against `POST /mcp` of live deployments,
/// every request signed with `http-message-signatures` (an RFC 9421 implementation
/// we did not write) and every response's signature verified. The scripts live in
/// `examples/python/mcp/`; `make test` builds their venvs (`make venv-mcp1 venv-mcp2`).
@Suite("Stock MCP client libraries against /mcp")
struct MCPClientLibraryTests {

    /// mcp 1.30.0: initialize, tools, batch_sum, a task polled to its result, a task cancelled.
    @Test func sdk1TasksClientPasses() async throws {
        try await withDeployment { system in
            try await PythonScript.run("examples/python/mcp/sdk1_tasks.py", venv: ".venv-mcp1", environment: ["MCP_URL": system.url + "/mcp"], in: system)
        }
    }

    /// mcp 2.3.0 in its default mode: server/discover (no fallback to initialize), tools, two tool calls.
    @Test func sdk2DiscoveryClientPasses() async throws {
        try await withDeployment { system in
            try await PythonScript.run("examples/python/mcp/sdk2_discover.py", venv: ".venv-mcp2", environment: ["MCP_URL": system.url + "/mcp"], in: system)
        }
    }

    /// The 2026-07-28 Tasks extension over raw JSON-RPC, validated against the extension's JSON Schema:
    /// a task created on gateway A is polled to completion and cancelled through gateway B.
    @Test func tasks2026AcrossTwoGatewaysPasses() async throws {
        try await withDeployment(gateways: 2) { system in
            let otherSecret = try #require(String(bytes: Deployment.clients["client-002"]!, encoding: .ascii))
            try await PythonScript.run("examples/python/mcp/tasks_2026.py", venv: ".venv-mcp2", environment: [
                "MCP_URL_A": system.gateways[0].url + "/mcp",
                "MCP_URL_B": system.gateways[1].url + "/mcp",
                "MCP_OTHER_CLIENT_ID": "client-002",
                "MCP_OTHER_CLIENT_SECRET": otherSecret,
                "MCP_TASKS_SCHEMA": PythonScript.repositoryRoot
                    .appendingPathComponent("Tests/EndToEndTests/Fixtures/ext-tasks-2026-07-28.schema.json").path,
            ], in: system)
        }
    }
}
