import Foundation

/// One of our executables started by a test, its output captured in a log file.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: the process handle is only used from the test's task.
    let name: String
    let logFile: URL
    private let process: Process

    /// Starts `executable` (from the folder that holds the test binary) with arguments and extra environment.
    init(executable: String, arguments: [String], environment: [String: String], logDirectory: URL, name: String) throws {
        self.name = name
        logFile = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process = Process()
        process.executableURL = ChildProcess.binaryFolder.appendingPathComponent(executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Where `swift build` put the executables: next to the test binary.
    static var binaryFolder: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var exitStatus: Int32 { process.terminationStatus }

    /// The log so far.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Sends a signal (SIGTERM for a graceful stop, SIGKILL for a crash).
    func signal(_ signal: Int32) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    /// Waits up to `timeout` for the process to exit; returns whether it did.
    func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    /// Stops the process for good (SIGKILL).
    func kill() {
        signal(SIGKILL)
        while process.isRunning { usleep(5_000) }
    }

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
        }
    }
}
