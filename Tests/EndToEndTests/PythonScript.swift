import Foundation
import RedisTestSupport
import Testing

/// Runs one of the repository's Python examples with a venv's python as
/// `client-001` against a deployment, bounded; it must exit 0, and its output
/// is in the failure message. The venvs are made by `make venv…` (make test does it).
enum PythonScript {
    /// The repository root: this file is `<repo>/Tests/EndToEndTests/PythonScript.swift`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/EndToEndTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // <repo>

    static func run(
        _ script: String, arguments: [String] = [], venv: String, environment: [String: String], in system: Deployment,
        timeout: Duration = .seconds(90)
    ) async throws {
        let python = repositoryRoot.appendingPathComponent("\(venv)/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run `make \(venv.dropFirst())` first (make test does it)")
        // The harness keeps secrets as bytes; they are ASCII, and the clients take them as text.
        let clientSecret = try #require(String(bytes: Deployment.clients["client-001"]!, encoding: .ascii))
        let serverSecret = try #require(String(bytes: Deployment.serverSecret, encoding: .ascii))
        let base = [
            "MCP_CLIENT_ID": "client-001", "MCP_CLIENT_SECRET": clientSecret,
            "MCP_SERVER_ID": Deployment.serverID, "MCP_SERVER_SECRET": serverSecret,
            "PYTHONUNBUFFERED": "1",  // keep stdout and stderr in order in the log
        ]
        let process = try await ChildProcess(
            executableURL: python, arguments: [repositoryRoot.appendingPathComponent(script).path] + arguments,
            environment: base.merging(environment) { _, new in new }, logDirectory: system.directory,
            name: URL(fileURLWithPath: script).lastPathComponent)
        let finished = await process.waitForExit(timeout: timeout)
        if !finished { process.kill() }
        #expect(finished, "\(script) did not finish within \(timeout):\n\(process.log)")
        #expect(process.exitStatus == 0, "\(script) exited with \(process.exitStatus):\n\(process.log)")
    }
}
