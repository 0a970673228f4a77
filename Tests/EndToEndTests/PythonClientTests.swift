import Foundation
import Testing

/// The tutorial-style Python client (`examples/python/client.py`, pydantic models
/// with `extra="forbid"`) runs its whole demo against a live deployment: every
/// response, errors included, must validate strictly and carry a good signature.
@Suite("The Python example client against a live deployment")
struct PythonClientTests {
    /// The repository root: this file is `<repo>/Tests/EndToEndTests/PythonClientTests.swift`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/EndToEndTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // <repo>

    @Test func demoPasses() async throws {
        let python = Self.repositoryRoot.appendingPathComponent(".venv/bin/python")
        let script = Self.repositoryRoot.appendingPathComponent("examples/python/client.py")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run `make venv` first (make test does it)")

        try await withDeployment { system in
            // The harness keeps secrets as bytes; they are ASCII, and the client takes them as text.
            let clientSecret = try #require(String(bytes: Deployment.clients["client-001"]!, encoding: .ascii))
            let serverSecret = try #require(String(bytes: Deployment.serverSecret, encoding: .ascii))

            let logFile = system.directory.appendingPathComponent("python-client.log")
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            let log = try FileHandle(forWritingTo: logFile)
            defer { try? log.close() }

            let process = Process()
            process.executableURL = python
            process.arguments = [script.path, "demo"]
            process.environment = ProcessInfo.processInfo.environment.merging([
                "MCP_GATEWAY_URL": system.url,
                "MCP_CLIENT_ID": "client-001",
                "MCP_CLIENT_SECRET": clientSecret,
                "MCP_SERVER_ID": Deployment.serverID,
                "MCP_SERVER_SECRET": serverSecret,
                "PYTHONUNBUFFERED": "1",  // keep stdout and stderr in order in the log
            ]) { _, new in new }
            process.standardOutput = log
            process.standardError = log
            try process.run()

            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(60)
            while process.isRunning && clock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let timedOut = process.isRunning
            if timedOut {
                Foundation.kill(process.processIdentifier, SIGKILL)
                while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
            }
            let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""

            #expect(!timedOut, "python client.py demo did not finish within 60 s:\n\(output)")
            #expect(process.terminationStatus == 0, "python client.py demo exited with \(process.terminationStatus):\n\(output)")
        }
    }
}
