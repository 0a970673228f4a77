import Foundation

/// A program that is not ours (python, bash, redis-cli) run to completion by a
/// test, with its output captured in a log file in the deployment's folder.
struct ExternalProgram {
    /// Exit status (-1 when it had to be killed).
    let status: Int32
    /// Standard output only.
    let output: String
    /// Standard error only.
    let errors: String

    /// Runs `executable` with `arguments` and extra environment; kills it after `timeout`.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL, timeout: Duration = .seconds(30)) async throws -> ExternalProgram {
        let name = UUID().uuidString.prefix(8)
        let outFile = directory.appendingPathComponent("program-\(name).out")
        let errFile = directory.appendingPathComponent("program-\(name).err")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let out = try FileHandle(forWritingTo: outFile)
        let err = try FileHandle(forWritingTo: errFile)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        var status = Int32(-1)
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        } else {
            status = process.terminationStatus
        }
        return ExternalProgram(
            status: status,
            output: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }
}
