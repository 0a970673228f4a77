import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A short program (redis-cli, python, bash, mcpctl) run to completion with
/// its output collected, killed if it outlives its timeout. Spawned like
/// ``ChildProcess``: no inherited descriptors, default signal handling.
public struct ProgramRun: Sendable {
    /// The exit code (or the number of the signal that ended it); -1 when it was killed at the timeout.
    public let status: Int32
    /// Standard output.
    public let output: String
    /// Standard error.
    public let errors: String

    /// Output beyond this many bytes per stream fails the run (a runaway program, not a test's output).
    public static let outputLimit = 8 << 20

    /// Runs `executable` (an absolute path, or a name looked up on PATH) with
    /// `arguments` and extra environment; bounded by `timeout`.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(30)
    ) async throws -> ProgramRun {
        let configuration = Configuration(
            executable: executable.hasPrefix("/") ? .path(FilePath(executable)) : .name(executable),
            arguments: Arguments(arguments), environment: .inherit.updating(ChildProcess.keys(environment)))
        return try await withThrowingTaskGroup(of: ProgramRun?.self) { group in
            group.addTask {
                let result = try await Subprocess.run(
                    configuration, input: .none, output: .string(limit: outputLimit), error: .string(limit: outputLimit))
                return ProgramRun(
                    status: ChildProcess.status(result.terminationStatus), output: result.standardOutput,
                    errors: result.standardError)
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            // The first to finish decides; cancelling the run kills the program (swift-subprocess's teardown).
            if let first = try await group.next(), let finished = first {
                return finished
            }
            return ProgramRun(status: -1, output: "", errors: "killed after \(timeout)")
        }
    }
}
