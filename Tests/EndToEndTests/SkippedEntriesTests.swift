import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// An administrator's `XGROUP SETID … $` used to strand every undelivered job: the workers group
/// skipped them, the trim removed their entries and their hashes stayed `queued` for ever. A worker
/// now appends skipped entries again at its next trim (every 10 s), and says so.
@Suite("Entries the workers group skipped")
struct SkippedEntriesTests {
    @Test func jobsSkippedByMovingTheCursorForwardStillRun() async throws {
        try await withDeployment { system in
            let client = system.client()
            let redis = try system.inspector()
            // No worker reads while the jobs wait: the only one stops (the catalog stays in Redis).
            #expect(await system.workers[0].killAndWait())
            var jobIDs = [String]()
            for _ in 0..<3 { jobIDs.append(try #require(try await client.call("noop").jobID)) }
            _ = try await redis.send("XGROUP", "SETID", "mcp:{0}:stream", "workers", "$")
            #expect(try await redis.xpendingSummary("mcp:{0}:stream", group: "workers").count == 0)

            let worker = try await system.startWorker()
            for jobID in jobIDs {
                #expect(await eventually(timeout: .seconds(40)) { (try? await system.jobHash(jobID))?["status"] == "done" }, "\(worker.log)")
            }
            #expect(worker.log.contains("appended again"), "\(worker.log)")
        }
    }
}
