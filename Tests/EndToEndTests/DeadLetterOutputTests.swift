import Foundation
import RedisClient
import RedisTestSupport
import Testing

/// `mcpctl dead redrive` prints ids that anyone who can write Redis chose (a dead letter's `job_id`),
/// or that were typed: its text output never carries their control characters to the operator's terminal.
@Suite("Dead-letter text output")
struct DeadLetterOutputTests {
    /// The bytes below 0x20 (and DEL) in `text` other than newline and tab.
    static func controlBytes(_ text: String) -> [UInt8] {
        text.utf8.filter { ($0 < 0x20 && $0 != 0x0A && $0 != 0x09) || $0 == 0x7F }
    }

    @Test func redriveShowsIdsWithoutTheirControlCharacters() async throws {
        try await withDeployment(gateways: 0, workers: 0) { system in
            let redis = try system.inspector()
            let hostileJob = "job\u{1B}[2J\u{1B}]0;owned\u{07}\u{0}tail"
            let entry = try #require(try await redis.send("XADD", "mcp:{0}:dead", "*", "job_id", hostileJob, "envelope", "{}", "tool", "echo").string)
            // Junk without a job id: named in an error message, the others go on.
            let junk = try #require(try await redis.send("XADD", "mcp:{0}:dead", "*", "note", "\u{1B}[31mred").string)

            let (status, output) = try await system.mcpctl(["dead", "redrive", "--all"])
            #expect(status == 1, "\(output)")  // the junk entry cannot be redriven
            #expect(output.contains("redriven \(entry) job job?[2J?]0;owned??tail"), "\(output)")
            #expect(output.contains(junk), "\(output)")
            #expect(Self.controlBytes(output).isEmpty, "control bytes \(Self.controlBytes(output)) in: \(output.debugDescription)")
            // The job went back with its id as written: only the printing changed it.
            #expect(try await redis.send("HGET", "mcp:{0}:job:" + hostileJob, "status").string == "queued")

            // An id typed with an escape sequence is echoed without it.
            let (typedStatus, typed) = try await system.mcpctl(["dead", "redrive", "1-1\u{1B}[2J\u{07}"])
            #expect(typedStatus == 1, "\(typed)")
            #expect(typed.contains("no dead letter 1-1?[2J?"), "\(typed)")
            #expect(Self.controlBytes(typed).isEmpty, "control bytes \(Self.controlBytes(typed)) in: \(typed.debugDescription)")
        }
    }
}
