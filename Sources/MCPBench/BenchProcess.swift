import Foundation

/// One of our executables started by the bench, its output in a log file.
final class BenchProcess: @unchecked Sendable {
    // @unchecked: the process handle is only used from the bench's own task.
    let name: String
    let logFile: URL
    private let process: Process

    /// Starts `executable` with arguments and extra environment; output goes to `logDirectory/name.log`.
    init(executable: URL, arguments: [String], environment: [String: String], logDirectory: URL, name: String) throws {
        self.name = name
        logFile = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw BenchError("\(executable.path) is not there: build it first (swift build -c release) or pass --bin")
        }
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// The log so far.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Sends a signal (SIGSTOP/SIGCONT pause and resume; SIGKILL stops for good).
    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Stops the process for good (SIGKILL; the bench's Redis is thrown away anyway).
    func stop() {
        signal(SIGCONT)
        signal(SIGKILL)
        while process.isRunning { usleep(5_000) }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
