import Foundation

/// Runs one of the repository's example scripts (bash or Python) to completion.
enum ExampleScript {
    /// Runs `program` with `arguments` and extra environment; returns (exit status, standard output, standard error).
    static func run(_ program: String, _ arguments: [String], environment: [String: String], timeout: Duration = .seconds(30)) async throws -> (Int32, String, String) {
        let output = Pipe()
        let errors = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
            return (-1, "", "killed after \(timeout)")
        }
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, out, err)
    }
}
