import Logging
import RedisClient
import RedisTestSupport
import Testing

@testable import MCPBroker

/// A partition whose stream Redis refuses is warned of once, then once a minute; once repaired
/// (its group made again) its next failure is a warning that counts no repeats of the last one.
@Suite("Warnings of an unusable partition")
struct UnusablePartitionWarningTests {
    @Test func aRepairedPartitionStartsItsWarningsAfresh() async throws {
        try await withBroker { broker, redis in
            let stream = broker.keys.stream(0)
            _ = try await redis.send("DEL", stream)
            _ = try await redis.send("SET", stream, "junk")
            for _ in 0..<2 { _ = try? await broker.ensureWorkerGroup() }  // a warning, then a repeat held back
            _ = try await redis.send("DEL", stream)
            try await broker.ensureWorkerGroup()  // repaired
            let next = broker.unusablePartitions.level(for: "0", cause: "a later failure")
            #expect(next.level == .warning && next.heldBack == 0, "\(next)")
        }
    }
}
