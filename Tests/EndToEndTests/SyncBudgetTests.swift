import Foundation
import MCPClient
import MCPWire
import RedisTestSupport
import Testing

@Suite("Sync tools past their budget")
struct SyncBudgetTests {
    @Test func aSyncCallPastTheBudgetAnswersAcceptedAndCanBePolled() async throws {
        // No worker runs while the gateway waits its 0.3 s budget, so even batch_sum is answered `accepted`.
        try await withDeployment(gatewayArguments: ["--sync-budget", "0.3"]) { system in
            let client = system.client()
            await system.workers[0].killAndWait()
            let clock = ContinuousClock()
            let started = clock.now
            let reply = try await client.call("batch_sum", args: ["numbers": [2, 3]])
            #expect(clock.now - started >= .milliseconds(280))
            try await system.startWorker()
            #expect(reply.httpStatus == 202)
            #expect(reply.response.status == .accepted)
            let jobID = try #require(reply.jobID)
            #expect(await eventually { (try? await client.poll(jobID: jobID))?.response.status == .done })
            let done = try await client.poll(jobID: jobID)
            #expect(done.response.result?["result"] == ["count": 2, "total": 5])
        }
    }

    @Test func syncToolErrorsComeBackInline() async throws {
        // A 20 s budget (below the client's 30 s timeout): the inline answer must not depend on a loaded machine
        // running the job within the default 2 s.
        try await withDeployment(gatewayArguments: ["--sync-budget", "20"]) { system in
            let client = system.client()
            // Within the schema but beyond what the tool accepts: the float sum overflows binary64.
            let reply = try await client.call("batch_sum", args: ["numbers": [1.7976931348623157e308, 1.7976931348623157e308]])
            #expect(reply.response.ok == false)
            #expect(reply.response.status == .error)
            #expect(reply.errorCode == "tool_failed")
            #expect(reply.jobID != nil)
        }
    }
}
