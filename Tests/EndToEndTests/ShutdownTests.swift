import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

@Suite("Graceful shutdown on SIGTERM and SIGHUP", .serialized)
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
            // Ending its blocked read is part of stopping, not a failure to warn about.
            #expect(!worker.log.contains("job stream read failed"), "\(worker.log)")
            let final = try await client.poll(jobID: jobID)
            #expect(final.response.status == .done, "the in-flight job should finish within the grace period")
            let redis = try system.inspector()
            #expect(try await redis.xpendingSummary("mcp:{0}:stream", group: "workers").count == 0)
        }
    }

    /// SIGUSR1 and SIGUSR2 are logged and ignored; SIGHUP (a closed terminal) drains as SIGTERM
    /// does: the running job finishes, both processes exit 0 and say which signal stopped them.
    @Test func sighupDrainsAndUserSignalsAreIgnored() async throws {
        try await withDeployment { system in
            let client = system.client()
            let started = try await client.call("start_long_task", args: ["seconds": 4])
            let jobID = try #require(started.jobID)
            #expect(await eventually { (try? await client.poll(jobID: jobID))?.response.status == .running })
            let gateway = system.gateways[0].process
            let worker = system.workers[0]
            for process in [gateway, worker] {
                process.signal(SIGUSR1)
                process.signal(SIGUSR2)
            }
            for process in [gateway, worker] {
                #expect(await eventually(timeout: .seconds(10)) {
                    process.log.contains("received SIGUSR1: ignored") && process.log.contains("received SIGUSR2: ignored")
                }, "\(process.log)")
                #expect(process.isRunning)
            }
            #expect(try await client.poll(jobID: jobID).response.status == .running)
            for process in [worker, gateway] { process.signal(SIGHUP) }
            for process in [worker, gateway] {
                #expect(await process.waitForExit(timeout: .seconds(30)), "did not stop:\n\(process.log)")
                #expect(process.exitStatus == 0, "\(process.log)")
                #expect(process.log.contains("received SIGHUP: shutting down gracefully"), "\(process.log)")
            }
            let redis = try system.inspector()
            #expect(try await redis.hget("mcp:{0}:job:\(jobID)", "status") == "done", "the running job should finish within the grace period")
        }
    }
}
