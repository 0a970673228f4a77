import Foundation
import RedisTestSupport

/// A program that is not ours (python, bash, redis-cli) run to completion by a
/// test, bounded by a timeout (``RedisTestSupport/ProgramRun``).
struct ExternalProgram {
    /// Exit status (-1 when it had to be killed).
    let status: Int32
    /// Standard output only.
    let output: String
    /// Standard error only.
    let errors: String

    /// Runs `executable` (a path, or a name on PATH) with `arguments` and extra environment; kills it after `timeout`.
    /// `directory` is where the deployment keeps its files (kept for the callers' sake; output is collected in memory).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL, timeout: Duration = .seconds(30)) async throws -> ExternalProgram {
        let run = try await ProgramRun.run(executable, arguments, environment: environment, timeout: timeout)
        return ExternalProgram(status: run.status, output: run.output, errors: run.errors)
    }
}
