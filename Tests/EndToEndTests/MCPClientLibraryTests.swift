import Foundation
import Testing

/// Stock MCP client libraries from PyPI against `POST /mcp` of live deployments,
/// every request signed with `http-message-signatures` (an RFC 9421 implementation
/// we did not write) and every response's signature verified. The scripts live in
/// `examples/python/mcp/`; `make test` builds their venvs (`make venv-mcp1 venv-mcp2`).
@Suite("Stock MCP client libraries against /mcp")
struct MCPClientLibraryTests {
    static let examples = PythonClientTests.repositoryRoot.appendingPathComponent("examples/python/mcp")

    /// mcp 1.30.0: initialize, tools, batch_sum, a task polled to its result, a task cancelled.
    @Test func sdk1TasksClientPasses() async throws {
        try await withDeployment { system in
            try await Self.run("sdk1_tasks.py", venv: ".venv-mcp1", environment: ["MCP_URL": system.url + "/mcp"], in: system)
        }
    }

    /// mcp 2.3.0 in its default mode: server/discover (no fallback to initialize), tools, two tool calls.
    @Test func sdk2DiscoveryClientPasses() async throws {
        try await withDeployment { system in
            try await Self.run("sdk2_discover.py", venv: ".venv-mcp2", environment: ["MCP_URL": system.url + "/mcp"], in: system)
        }
    }

    /// The 2026-07-28 Tasks extension over raw JSON-RPC, validated against the extension's JSON Schema:
    /// a task created on gateway A is polled to completion and cancelled through gateway B.
    @Test func tasks2026AcrossTwoGatewaysPasses() async throws {
        try await withDeployment(gateways: 2) { system in
            let otherSecret = try #require(String(bytes: Deployment.clients["client-002"]!, encoding: .ascii))
            try await Self.run("tasks_2026.py", venv: ".venv-mcp2", environment: [
                "MCP_URL_A": system.gateways[0].url + "/mcp",
                "MCP_URL_B": system.gateways[1].url + "/mcp",
                "MCP_OTHER_CLIENT_ID": "client-002",
                "MCP_OTHER_CLIENT_SECRET": otherSecret,
                "MCP_TASKS_SCHEMA": PythonClientTests.repositoryRoot
                    .appendingPathComponent("Tests/EndToEndTests/Fixtures/ext-tasks-2026-07-28.schema.json").path,
            ], in: system)
        }
    }

    /// Each README code block marked `<!-- verbatim: FILE -->` is a copy of lines of FILE
    /// (dedented as a whole), so the README shows code the tests above actually run.
    @Test func readmeShowsTheCodeTheTestsRun() throws {
        let root = PythonClientTests.repositoryRoot
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

    /// Runs one script with the venv's python as client-001 (responses verified with the server key),
    /// bounded; it must exit 0. Its output is in the failure message.
    static func run(_ script: String, venv: String, environment: [String: String], in system: Deployment, timeout: Duration = .seconds(90)) async throws {
        let python = PythonClientTests.repositoryRoot.appendingPathComponent("\(venv)/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run `make \(venv.dropFirst())` first (make test does it)")
        // The harness keeps secrets as bytes; they are ASCII, and the clients take them as text.
        let clientSecret = try #require(String(bytes: Deployment.clients["client-001"]!, encoding: .ascii))
        let serverSecret = try #require(String(bytes: Deployment.serverSecret, encoding: .ascii))

        let logFile = system.directory.appendingPathComponent("\(script).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }

        let process = Process()
        process.executableURL = python
        process.arguments = [examples.appendingPathComponent(script).path]
        process.currentDirectoryURL = examples
        process.environment = ProcessInfo.processInfo.environment.merging([
            "MCP_CLIENT_ID": "client-001",
            "MCP_CLIENT_SECRET": clientSecret,
            "MCP_SERVER_ID": Deployment.serverID,
            "MCP_SERVER_SECRET": serverSecret,
            "PYTHONUNBUFFERED": "1",  // keep stdout and stderr in order in the log
        ].merging(environment) { _, new in new }) { _, new in new }
        process.standardOutput = log
        process.standardError = log
        try process.run()

        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let timedOut = process.isRunning
        if timedOut {
            Foundation.kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        }
        let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""

        #expect(!timedOut, "\(script) did not finish within \(timeout):\n\(output)")
        #expect(process.terminationStatus == 0, "\(script) exited with \(process.terminationStatus):\n\(output)")
    }
}
