import Foundation
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// One program started by a test or the bench and left running, its standard
/// output and error appended to a log file.
///
/// Spawned through swift-subprocess, which closes every other descriptor in
/// the child at exec time and starts it with an empty signal mask and default
/// signal dispositions. Foundation's `Process` does neither on Linux: it
/// enumerates open descriptors before spawning, so a pipe or socket opened by
/// another test thread in that window leaks into the child and can keep a
/// `Process` "running" for as long as an unrelated child lives, and a child of
/// a test thread or of a background shell job inherits blocked or ignored
/// SIGTERM/SIGINT. Both made CI hang; neither can happen here.
///
/// Stop it with ``kill()`` (SIGKILL, no wait), ``killAndWait(timeout:)`` or
/// ``signal(_:)``; every wait is bounded.
public final class ChildProcess: Sendable {
    /// A name for logs (`gateway-0`, `worker-1`).
    public let name: String
    /// Where stdout and stderr go.
    public let logFile: URL
    /// The process id.
    public let pid: Int32
    private let termination: Termination

    /// Starts the executable at `executableURL` with arguments and extra environment.
    public init(executableURL: URL, arguments: [String], environment: [String: String], logDirectory: URL, name: String) async throws {
        self.name = name
        logFile = logDirectory.appendingPathComponent("\(name).log")
        guard FileManager.default.isExecutableFile(atPath: executableURL.path) else {
            throw RedisTestServerError("\(executableURL.path) is not there: build it first (swift build)")
        }
        let logPath = FilePath(logFile.path)
        let output = try FileDescriptor.open(
            logPath, .writeOnly, options: [.create, .truncate, .append, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        let errors: FileDescriptor
        do {
            errors = try FileDescriptor.open(logPath, .writeOnly, options: [.append, .closeOnExec])
        } catch {
            try? output.close()
            throw error
        }
        let termination = Termination()
        self.termination = termination
        let started = StartSignal()
        let configuration = Configuration(
            executable: .path(FilePath(executableURL.path)), arguments: Arguments(arguments),
            environment: .inherit.updating(ChildProcess.keys(environment)))
        Task.detached {
            do {
                let result = try await Subprocess.run(
                    configuration, input: .none, output: .fileDescriptor(output, closeAfterSpawningProcess: true),
                    error: .fileDescriptor(errors, closeAfterSpawningProcess: true)
                ) { execution in
                    started.resume(.success(execution.processIdentifier.value))
                }
                termination.record(ChildProcess.status(result.terminationStatus))
            } catch {
                started.resume(.failure(error))
                termination.record(-1)
            }
        }
        pid = try await started.value
    }

    /// Starts one of the executables that sit next to the running binary (the test bundle or `mcp-bench`).
    public convenience init(executable: String, arguments: [String], environment: [String: String], logDirectory: URL, name: String) async throws {
        try await self.init(
            executableURL: Self.binaryFolder.appendingPathComponent(executable), arguments: arguments,
            environment: environment, logDirectory: logDirectory, name: name)
    }

    /// Where `swift build` put the executables: next to the running binary.
    public static var binaryFolder: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Whether it still runs (false once it has exited and been reaped).
    public var isRunning: Bool { termination.status == nil }
    /// Its exit status once it has exited: the exit code, or the number of the signal that ended it; -1 while it runs.
    public var exitStatus: Int32 { termination.status ?? -1 }

    /// The log so far.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Sends a signal (SIGTERM for a graceful stop, SIGKILL for a crash, SIGSTOP/SIGCONT to pause).
    public func signal(_ signal: Int32) {
        if isRunning { _ = Foundation.kill(pid, signal) }
    }

    /// Waits up to `timeout` for the process to exit; returns whether it did.
    public func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return !isRunning
    }

    /// Sends SIGKILL and returns at once (usable from `defer` and `deinit`).
    public func kill() {
        signal(SIGKILL)
    }

    /// Sends SIGKILL and waits up to `timeout` until it has exited; returns whether it did.
    @discardableResult
    public func killAndWait(timeout: Duration = .seconds(10)) async -> Bool {
        kill()
        return await waitForExit(timeout: timeout)
    }

    deinit {
        if isRunning { _ = Foundation.kill(pid, SIGKILL) }
    }

    static func keys(_ environment: [String: String]) -> [Environment.Key: String?] {
        var keys: [Environment.Key: String?] = [:]
        for (name, value) in environment {
            if let key = Environment.Key(rawValue: name) { keys[key] = value }
        }
        return keys
    }

    static func status(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): code
        case .signaled(let signal): signal
        }
    }
}

/// How a child ended, once it has.
private final class Termination: Sendable {
    private let value = Mutex<Int32?>(nil)
    var status: Int32? { value.withLock { $0 } }
    func record(_ status: Int32) { value.withLock { $0 = status } }
}

/// Hands the spawned child's pid (or the spawn error) from the task that
/// runs it to the initializer, exactly once.
private final class StartSignal: Sendable {
    private let state = Mutex<(result: Result<Int32, any Error>?, waiter: CheckedContinuation<Int32, any Error>?)>((nil, nil))

    func resume(_ result: Result<Int32, any Error>) {
        let waiter: CheckedContinuation<Int32, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    var value: Int32 {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<Int32, any Error>? = state.withLock { state in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}
