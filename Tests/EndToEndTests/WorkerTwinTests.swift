import Foundation
import RedisClient
import RedisTestSupport
import Testing

/// Two workers started with one `--worker-id` share a consumer and take each other's jobs for
/// their own: each notices the other's heartbeat (read in the round trip that writes its own)
/// and warns (an outside attack ran two for minutes without a word).
@Suite("Workers under one id")
struct WorkerTwinTests {
    @Test func twoWorkersWithOneIdWarn() async throws {
        try await withDeployment(gateways: 0, workers: 0) { system in
            let alone = try await system.startWorker(extraArguments: ["--worker-id", "alone"])
            let first = try await system.startWorker(extraArguments: ["--worker-id", "twin"])
            let second = try await system.startWorker(extraArguments: ["--worker-id", "twin"])
            let warned = await eventually(timeout: .seconds(30)) {
                [first, second].contains { $0.log.contains("another live process runs under this --worker-id") }
            }
            #expect(warned, "\(first.log)\n\(second.log)")
            // The worker alone under its id, beating since before the twins started, says nothing of the kind.
            #expect(!alone.log.contains("another live process"), "\(alone.log)")

            // A worker restarted at once after a crash finds its own dead predecessor's beat: no twin.
            let redis = try system.inspector()
            let crashed = try await redis.hget("mcp:workers:alone", "pid")
            alone.kill()
            #expect(await alone.waitForExit(timeout: .seconds(10)))
            let reborn = try await system.startWorker(extraArguments: ["--worker-id", "alone"])
            #expect(await eventually { (try? await redis.hget("mcp:workers:alone", "pid")).flatMap { $0 } != crashed })
            #expect(!reborn.log.contains("another live process"), "\(reborn.log)")
        }
    }
}
