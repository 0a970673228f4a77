import Foundation
import RedisTestSupport
import Testing

/// `--prefix` names every key: braces would make it a Redis Cluster hash tag (every
/// partition in one slot), and spaces or control characters keys no one can type.
/// Such a prefix stops the process before it starts, with its reason.
@Suite("Key prefix")
struct PrefixOptionTests {
    @Test("a prefix with braces, spaces or nothing is refused with its reason", arguments: ["{x}", "a b", "", "mcp\n"])
    func badPrefixIsRefused(prefix: String) async throws {
        for (executable, arguments) in [("mcp-worker", [String]()), ("mcpctl", ["stats"])] {
            let run = try await ProgramRun.run(
                ChildProcess.binaryFolder.appendingPathComponent(executable).path,
                arguments + ["--redis", "redis://127.0.0.1:1", "--prefix", prefix], environment: [:])
            #expect(run.status != 0, "\(executable) started with prefix \(prefix.debugDescription)")
            #expect(run.errors.contains("must be 1 to 64 printable ASCII characters"), "\(executable): \(run.errors)")
        }
    }
}
