import Foundation
import MCPClient
import MCPWire
import RedisTestSupport
import Testing

@Suite("Redis outages and backpressure", .serialized)
struct OutageAndBackpressureTests {
    @Test func jobsInFlightDuringARedisRestartStillEnd() async throws {
        try await withDeployment(redisArguments: ["--appendonly", "yes", "--appendfsync", "always"]) { system in
            let client = system.client()
            // 8 s: still running when Redis restarts, even if seeing it running takes a loaded machine a while.
            let jobID = try #require(try await client.call("start_long_task", args: ["seconds": 8]).jobID)
            #expect(await eventually { (try? await system.jobHash(jobID))?["status"] == "running" })
            try await system.redis.restart()  // AOF on: the job survives; the worker reconnects and records the result
            let final = try await system.waitForFinal(jobID, timeout: .seconds(60))
            #expect(final.response.result?["status"]?.stringValue == "done")
            // The gateway recovers by itself: readiness and new jobs.
            #expect(await eventually(timeout: .seconds(30)) { (try? await HTTP.get(system.url + "/readyz"))?.0 == 200 })
            let sum = try await client.call("batch_sum", args: ["numbers": [1, 2]])
            #expect(sum.response.result?["total"] == .integer(JSONInteger(3)))
        }
    }

    @Test func gatewayAnswersUnavailableDuringAnOutageAndRecovers() async throws {
        try await withDeployment(redisArguments: ["--appendonly", "yes"]) { system in
            let client = system.client()
            await system.redis.crash()
            let clock = ContinuousClock()
            for _ in 0..<3 {
                let started = clock.now
                let reply = try await client.call("batch_sum", args: ["numbers": [1]])
                #expect(reply.httpStatus == 503)
                #expect(reply.errorCode == "unavailable")
                #expect(reply.retryAfterSeconds == 1)
                // The client learns the code, never where Redis is or as whom the gateway connects.
                let said = reply.response.error ?? ""
                #expect(!said.contains(system.redis.url) && !said.contains("unix://") && !said.contains("redis://"), "\(said)")
                // Far below the client's 30 s timeout, which a call that hung on the outage would hit.
                #expect(clock.now - started < .seconds(10))
                #expect(said.contains("retry shortly with the same request_id"), "\(said)")
            }
            // The operator hears of it, once for the three (not one line per request, nor none).
            let log = try #require(system.gateways.first?.process.log)
            #expect(log.components(separatedBy: "answering 503 unavailable").count - 1 == 1, "\(log.suffix(3000))")
            #expect(try await HTTP.get(system.url + "/readyz").0 == 503)
            try await system.redis.restart()
            #expect(await eventually(timeout: .seconds(30)) {
                (try? await client.call("batch_sum", args: ["numbers": [4]]))?.response.result?["total"] == .integer(JSONInteger(4))
            })
        }
    }

    @Test func overBacklogSubmissionsGet429AndChangeNothing() async throws {
        try await withDeployment(gatewayArguments: ["--max-backlog", "3"]) { (system: Deployment) async throws in
            let client = system.client()
            await system.workers[0].killAndWait()  // nothing drains the stream
            for _ in 0..<3 { #expect(try await client.call("noop").httpStatus == 202) }
            var refused: GatewayReply?
            let gotRefused = await eventually(timeout: .seconds(30)) {
                let before = try? await system.snapshot()
                guard let reply = try? await client.call("noop") else { return false }
                if reply.httpStatus == 429 {
                    refused = reply
                    return (try? await system.snapshot()) == before
                }
                return false
            }
            #expect(gotRefused)
            #expect(refused?.errorCode == "overloaded")
            #expect(refused?.retryAfterSeconds == 1)
            // Control tools still answer.
            #expect(try await client.call("server_identity").httpStatus == 200)
        }
    }
}
