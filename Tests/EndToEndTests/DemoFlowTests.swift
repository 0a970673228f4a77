import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

@Suite("The original design's demo, end to end", .serialized)
struct DemoFlowTests {
    @Test func serverIdentityBatchSumAndALongTask() async throws {
        try await withDeployment { system in
            let client = system.client()

            let identity = try await client.call("server_identity")
            #expect(identity.httpStatus == 200)
            #expect(identity.response.ok)
            #expect(identity.response.result?["server_id"]?.stringValue == Deployment.serverID)
            let expectedFingerprint = String(SHA256.hex(Deployment.serverSecret).prefix(16))
            #expect(identity.response.result?["fingerprint"]?.stringValue == expectedFingerprint)
            let tools = identity.response.result?["capabilities"]?.objectValue?["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(Set(["batch_sum", "start_long_task", "echo", "poll_job", "cancel_job", "server_identity"]).isSubset(of: Set(tools)))

            let sum = try await client.call("batch_sum", args: ["numbers": [1, 2.5, 3, 10]])
            #expect(sum.httpStatus == 200)
            #expect(sum.response.status == .ok)
            #expect(sum.response.result?["total"] == .float(16.5))
            #expect(sum.response.result?["count"] == .integer(JSONInteger(4)))

            let empty = try await client.call("batch_sum", args: ["numbers": []])
            #expect(empty.httpStatus == 422)
            #expect(empty.errorCode == "invalid_args")
            #expect(empty.response.error?.contains("args.numbers") == true)

            // 4 s: long enough that polls every 100 ms see it running even on a loaded machine.
            let started = try await client.call("start_long_task", args: ["seconds": 4, "payload": ["note": "demo"]])
            #expect(started.httpStatus == 202)
            #expect(started.response.status == .accepted)
            let jobID = try #require(started.jobID)
            var sawProgress = false
            var final: GatewayReply?
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(60)
            while clock.now < deadline {
                let poll = try await client.poll(jobID: jobID)
                if poll.response.status == .running, (poll.response.result?["progress"]?.doubleValue ?? 0) > 0 { sawProgress = true }
                if poll.response.status == .done || poll.response.status == .error { final = poll; break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(sawProgress, "polls should see incremental progress while the task runs")
            let done = try #require(final)
            #expect(done.response.status == .done)
            let result = done.response.result?["result"]?.objectValue
            #expect(result?["echo_payload"] == ["note": "demo"])
            #expect(result?["duration_s"] == .integer(JSONInteger(4)))
            #expect(done.response.result?["attempts"] == .integer(JSONInteger(1)))
        }
    }

    @Test func cancellingARunningLongTaskEndsItCancelled() async throws {
        try await withDeployment { system in
            let client = system.client()
            let started = try await client.call("start_long_task", args: ["seconds": 20])
            let jobID = try #require(started.jobID)
            let running = await eventually(timeout: .seconds(30)) {
                (try? await client.poll(jobID: jobID))?.response.status == .running
            }
            #expect(running)
            let cancel = try await client.cancel(jobID: jobID)
            #expect(cancel.httpStatus == 200)
            #expect(cancel.response.result?["status"]?.stringValue == "cancelling")
            let clock = ContinuousClock()
            let asked = clock.now
            // Not cancelled, the task would end "done" (about 20 s after it started): the wait cannot pass by itself,
            // and a cancel that only took effect when the task ended would take well over the 8 s bound.
            let ended = await eventually(timeout: .seconds(30)) {
                (try? await client.poll(jobID: jobID))?.response.result?["status"]?.stringValue == "cancelled"
            }
            #expect(ended)
            #expect(clock.now - asked < .seconds(8))
            let poll = try await client.poll(jobID: jobID)
            #expect(poll.response.error?.hasPrefix("cancelled") == true)
        }
    }

    @Test func cancellingAQueuedJobMeansItNeverRuns() async throws {
        try await withDeployment { system in
            let client = system.client()
            await system.workers[0].killAndWait()  // nobody to run it: the job stays queued
            let started = try await client.call("start_long_task", args: ["seconds": 1])
            let jobID = try #require(started.jobID)
            let cancel = try await client.cancel(jobID: jobID)
            #expect(cancel.response.result?["status"]?.stringValue == "cancelled")
            try await system.startWorker()
            let redis = try system.inspector()
            // The new worker takes the entry from the stream, sees the job cancelled, and acknowledges it without running it.
            let acknowledged = await eventually(timeout: .seconds(30)) {
                let pending = (try? await redis.xpendingSummary("mcp:{0}:stream", group: "workers"))?.count
                let lag = (try? await redis.xinfoGroups("mcp:{0}:stream"))?.first?.lag
                return pending == 0 && lag == 0
            }
            #expect(acknowledged)
            let job = try await redis.hgetall("mcp:{0}:job:\(jobID)")
            #expect(job["status"] == "cancelled")
            #expect(job["attempts"] == "0")
            #expect(job["started_ms"] == nil)
        }
    }
}
