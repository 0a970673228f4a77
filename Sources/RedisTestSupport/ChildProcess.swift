import Foundation

/// One of the project's executables started by a test or the bench, its
/// output captured in a log file. Stop it with ``kill()`` (SIGKILL) or
/// ``signal(_:)``; the executables unblock SIGTERM themselves, so a graceful
/// stop works even from a test runner's threads.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: the process handle is only used from the owning task.

    /// A name for logs (`gateway-0`, `worker-1`).
    public let name: String
    /// Where stdout and stderr go.
    public let logFile: URL
    private let process: Process

    /// Starts the executable at `executableURL` with arguments and extra environment.
    public init(executableURL: URL, arguments: [String], environment: [String: String], logDirectory: URL, name: String) throws {
        self.name = name
        logFile = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        guard FileManager.default.isExecutableFile(atPath: executableURL.path) else {
            throw RedisTestServerError("\(executableURL.path) is not there: build it first (swift build)")
        }
        process = Process()
        process.executableURL = executableURL
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Starts one of the executables that sit next to the running binary (the test bundle or `mcp-bench`).
    public convenience init(executable: String, arguments: [String], environment: [String: String], logDirectory: URL, name: String) throws {
        try self.init(
            executableURL: Self.binaryFolder.appendingPathComponent(executable), arguments: arguments,
            environment: environment, logDirectory: logDirectory, name: name)
    }

    /// Where `swift build` put the executables: next to the running binary.
    public static var binaryFolder: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }
    /// Whether it still runs.
    public var isRunning: Bool { process.isRunning }
    /// Its exit status, once it has exited.
    public var exitStatus: Int32 { process.terminationStatus }

    /// The log so far.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Sends a signal (SIGTERM for a graceful stop, SIGKILL for a crash, SIGSTOP/SIGCONT to pause).
    public func signal(_ signal: Int32) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    /// Waits up to `timeout` for the process to exit; returns whether it did.
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    /// Stops the process for good (SIGKILL) and waits for it.
    public func kill() {
        signal(SIGKILL)
        while process.isRunning { usleep(5_000) }
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}
