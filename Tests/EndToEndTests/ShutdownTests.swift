import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

@Suite("Graceful shutdown on SIGTERM", .serialized)
struct ShutdownTests {
    @Test func gatewayExitsCleanlyOnSIGTERM() async throws {
        try await withDeployment { system in
            let gateway = system.gateways[0].process
            gateway.signal(SIGTERM)
            #expect(await gateway.waitForExit(timeout: .seconds(10)), "gateway did not stop:\n\(gateway.log)")
            #expect(gateway.exitStatus == 0)
        }
    }

    @Test func workerFinishesItsRunningJobThenExits() async throws {
        try await withDeployment { system in
            let client = system.client()
            // 6 s: still running when the test sees it and signals, even on a loaded machine; well inside the 25 s grace.
            let started = try await client.call("start_long_task", args: ["seconds": 6])
            let jobID = try #require(started.jobID)
            #expect(await eventually { (try? await client.poll(jobID: jobID))?.response.status == .running })
            let worker = system.workers[0]
            worker.signal(SIGTERM)
            #expect(await worker.waitForExit(timeout: .seconds(30)), "worker did not stop:\n\(worker.log)")
            #expect(worker.exitStatus == 0)
            let final = try await client.poll(jobID: jobID)
            #expect(final.response.status == .done, "the in-flight job should finish within the grace period")
            let redis = try system.inspector()
            #expect(try await redis.xpendingSummary("mcp:{0}:stream", group: "workers").count == 0)
        }
    }
}
