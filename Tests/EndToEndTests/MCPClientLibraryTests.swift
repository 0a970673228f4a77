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

    /// Each README code block marked `<!-- verbatim: FILE -->` is a copy of lines of FILE
    /// (dedented as a whole), so the README shows code the tests above actually run.
    @Test func readmeShowsTheCodeTheTestsRun() throws {
        let root = PythonScript.repositoryRoot
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        var checked = 0
        for (index, line) in lines.enumerated() where line.hasPrefix("<!-- verbatim: ") && line.hasSuffix(" -->") {
            let path = String(line.dropFirst("<!-- verbatim: ".count).dropLast(" -->".count))
            let file = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8).components(separatedBy: "\n")
            try #require(index + 1 < lines.count && lines[index + 1].hasPrefix("```"), "README: no code block after \(line)")
            guard let end = lines[(index + 2)...].firstIndex(where: { $0.hasPrefix("```") }) else {
                Issue.record("README: the code block after \(line) never ends")
                continue
            }
            let block = Array(lines[(index + 2)..<end])
            #expect(!block.isEmpty && Self.contains(file, block), "README block after \(line) is not a verbatim copy of \(path):\n\(block.joined(separator: "\n"))")
            checked += 1
        }
        #expect(checked >= 3, "README has \(checked) verbatim-marked blocks, want the signing, sdk2 and sdk1 excerpts")
    }

    /// Whether `file` has consecutive lines equal to `block`'s, all indented by one common prefix of spaces.
    static func contains(_ file: [String], _ block: [String]) -> Bool {
        guard let first = block.first, !first.isEmpty, file.count >= block.count else { return false }
        for start in 0...(file.count - block.count) where file[start].hasSuffix(first) {
            let indent = file[start].dropLast(first.count)
            guard indent.allSatisfy({ $0 == " " }) else { continue }
            let matches = block.indices.allSatisfy { k in
                block[k].isEmpty ? file[start + k].allSatisfy { $0 == " " } : file[start + k] == indent + block[k]
            }
            if matches { return true }
        }
        return false
    }
}
