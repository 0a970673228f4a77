import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// DESIGN §6 and issue "never lose a job": each rule against real processes.
@Suite("Leases, retries, dead letters, timeouts, drain", .serialized)
struct ReliabilityTests {
    static let testTools = ["--enable-test-tools", "--lease", "1"]

    /// A 20 s task: it cannot end on its own while the test looks, however loaded the machine.
    /// Once another worker has taken it over, cancelling it ends the test quickly.
    static func takeOverThenCancel(_ jobID: String, in system: Deployment, firstWorker: String) async throws {
        let takenOver = await eventually(timeout: .seconds(30)) {
            let hash = try? await system.jobHash(jobID)
            return hash?["status"] == "running" && hash?["attempts"] == "2" && hash?["worker"] != firstWorker
        }
        let seen = try await system.jobHash(jobID)
        #expect(takenOver, "not taken over: \(seen)")
        #expect(try await system.client().cancel(jobID: jobID).httpStatus == 200)
        let final = try await system.waitForFinal(jobID)
        #expect(final.response.result?["status"]?.stringValue == "cancelled")
        #expect(await eventually { (try? await system.inspector().xpendingSummary("mcp:{0}:stream", group: "workers"))?.count == 0 })
    }

    @Test func aDeadWorkersJobIsReclaimedAfterItsLease() async throws {
        try await withDeployment(workerArguments: Self.testTools) { system in
            let client = system.client()
            let jobID = try #require(try await client.call("start_long_task", args: ["seconds": 20]).jobID)
            #expect(await eventually(timeout: .seconds(20)) { (try? await system.jobHash(jobID))?["status"] == "running" })
            let firstWorker = try #require(try await system.jobHash(jobID)["worker"])
            await system.workers[0].killAndWait()  // dies mid-job: its stream entry stays pending
            try await system.startWorker(extraArguments: Self.testTools)
            try await Self.takeOverThenCancel(jobID, in: system, firstWorker: firstWorker)
        }
    }

    /// `XGROUP SETID … 0` while a job runs delivers its entry again. The claim that finds the job
    /// running leaves the entry pending (it used to acknowledge and delete it, the running job's
    /// only entry), so when the job's worker then dies the job is still reclaimed after its lease.
    @Test func aJobDeliveredAgainWhileItRunsIsReclaimedWhenItsWorkerDies() async throws {
        try await withDeployment(workerArguments: Self.testTools) { system in
            let client = system.client()
            let redis = try system.inspector()
            let jobID = try #require(try await client.call("start_long_task", args: ["seconds": 20]).jobID)
            #expect(await eventually(timeout: .seconds(20)) { (try? await system.jobHash(jobID))?["status"] == "running" })
            let firstWorker = try #require(try await system.jobHash(jobID)["worker"])
            _ = try await redis.send("XGROUP", "SETID", "mcp:{0}:stream", "workers", "0")
            // Delivered a second time (to the running worker itself, the only reader; Redis counts it as a
            // first delivery): the entry stays pending. Before, the claim acknowledged and deleted it.
            let worker = system.workers[0]
            let again = await eventually(timeout: .seconds(15)) {
                if worker.log.contains("delivered again") { return true }
                return ((try? await redis.xrange("mcp:{0}:stream")) ?? []).isEmpty
            }
            #expect(again, "\(worker.log)")
            let entries = try await redis.xrange("mcp:{0}:stream")
            #expect(entries.count == 1, "the running job's entry was deleted: \(entries.map(\.id))")
            await system.workers[0].killAndWait()
            try await system.startWorker(extraArguments: Self.testTools)
            try await Self.takeOverThenCancel(jobID, in: system, firstWorker: firstWorker)
        }
    }

    @Test func aDuplicateDeliveryOfAFinishedJobDoesNothing() async throws {
        try await withDeployment(workerArguments: Self.testTools) { system in
            let client = system.client()
            let jobID = try #require(try await client.call("simulate", args: [:]).jobID)
            #expect(try await system.waitForFinal(jobID).response.result?["status"]?.stringValue == "done")
            // The same job delivered again (an operator re-adds the entry, or a producer retries): nothing runs.
            let redis = try system.inspector()
            // A finished job's entry is deleted with its acknowledgement: the stream no longer holds it.
            #expect(try await redis.xrange("mcp:{0}:stream").isEmpty)
            let envelope = String(decoding: client.envelope(tool: "simulate", args: [:]).wireBytes(), as: UTF8.self)
            let duplicate = try await redis.xadd("mcp:{0}:stream", fields: [
                StreamField(name: "job_id", value: jobID), StreamField(name: "envelope", value: envelope), StreamField(name: "attempt", value: "1"),
            ])
            #expect(await eventually {
                let pending = (try? await redis.xpendingSummary("mcp:{0}:stream", group: "workers"))?.count
                let lastDelivered = (try? await redis.xinfoGroups("mcp:{0}:stream"))?.first?.lastDeliveredID
                return pending == 0 && lastDelivered == duplicate
            })
            let hash = try await system.jobHash(jobID)
            #expect(hash["attempts"] == "1")
            #expect(hash["completions"] == "1")
        }
    }

    @Test func aLongJobOnALiveWorkerIsNeverStolen() async throws {
        try await withDeployment(workers: 2, workerArguments: Self.testTools) { system in
            let client = system.client()
            // 2.5 s of work with a 1 s lease: the lease is renewed, so the other worker never takes it over.
            let jobID = try #require(try await client.call("simulate", args: ["sleep_ms": 2500]).jobID)
            let final = try await system.waitForFinal(jobID)
            #expect(final.response.result?["status"]?.stringValue == "done")
            #expect(try await system.jobHash(jobID)["attempts"] == "1")
        }
    }

    @Test func retryableFailuresAreRetriedWithBackoff() async throws {
        try await withDeployment(workerArguments: Self.testTools) { system in
            let client = system.client()
            let jobID = try #require(try await client.call("simulate", args: ["fail_attempts": 2]).jobID)
            let final = try await system.waitForFinal(jobID)
            #expect(final.response.result?["status"]?.stringValue == "done")
            #expect(final.response.result?["result"]?.objectValue?["attempt"] == .integer(JSONInteger(3)))
            #expect(try await system.jobHash(jobID)["attempts"] == "3")
            #expect(try await system.inspector().send("ZCARD", "mcp:{0}:delayed").int64 == 0)
        }
    }

    @Test func terminalFailuresAreNotRetried() async throws {
        try await withDeployment(workerArguments: Self.testTools) { system in
            let client = system.client()
            let jobID = try #require(try await client.call("simulate", args: ["fail_attempts": 5, "terminal": true]).jobID)
            let final = try await system.waitForFinal(jobID)
            #expect(final.response.result?["status"]?.stringValue == "error")
            #expect(final.response.error?.hasPrefix("tool_failed:") == true)
            let hash = try await system.jobHash(jobID)
            #expect(hash["attempts"] == "1")
            #expect(hash["dead"] == nil)
        }
    }

    @Test func exhaustedJobsAreDeadLetteredAndCanBeRedriven() async throws {
        try await withDeployment(workerArguments: Self.testTools) { system in
            let client = system.client()
            // The job fails until `until`: its three attempts (100 ms and 200 ms backoffs) must all fall before it,
            // however loaded the machine, so the window is wide; the redrive below waits it out.
            let until = Int64(Date().timeIntervalSince1970 * 1000) + 8000
            let jobID = try #require(try await client.call("simulate", args: ["fail_until_ms": .integer(JSONInteger(until))]).jobID)
            let final = try await system.waitForFinal(jobID)
            #expect(final.response.result?["status"]?.stringValue == "error")
            #expect(final.response.result?["dead"] == .bool(true))
            #expect(final.response.error?.hasPrefix("dead_letter:") == true)
            #expect(final.response.result?["attempts"] == .integer(JSONInteger(3)))

            let (listed, list) = try await system.mcpctl(["dead", "list"])
            #expect(listed == 0)
            #expect(list.contains(jobID))
            #expect(list.contains("\"attempts\":3"))

            while Int64(Date().timeIntervalSince1970 * 1000) < until { try await Task.sleep(for: .milliseconds(100)) }
            let (redriven, output) = try await system.mcpctl(["dead", "redrive", "--all"])
            #expect(redriven == 0, "\(output)")
            #expect(output.contains(jobID))
            let again = try await system.waitForFinal(jobID)
            #expect(again.response.result?["status"]?.stringValue == "done")
            #expect(try await system.inspector().send("XLEN", "mcp:{0}:dead").int64 == 0)
        }
    }

    @Test func aJobThatRunsTooLongEndsWithTimeout() async throws {
        try await withDeployment(workerArguments: Self.testTools) { system in
            let client = system.client()
            // simulate's timeout is 3 s: a job left to its 10 s sleep would end "done", not "timeout".
            let jobID = try #require(try await client.call("simulate", args: ["sleep_ms": 10000]).jobID)
            let final = try await system.waitForFinal(jobID, timeout: .seconds(60))
            #expect(final.response.result?["status"]?.stringValue == "error")
            #expect(final.response.error?.hasPrefix("timeout:") == true)
        }
    }

    @Test func drainLeavesUnfinishedJobsToBeReclaimed() async throws {
        try await withDeployment(workerArguments: Self.testTools + ["--grace", "0.3"]) { system in
            let client = system.client()
            let jobID = try #require(try await client.call("start_long_task", args: ["seconds": 20]).jobID)
            #expect(await eventually(timeout: .seconds(20)) { (try? await system.jobHash(jobID))?["status"] == "running" })
            let firstWorker = try #require(try await system.jobHash(jobID)["worker"])
            let first = system.workers[0]
            first.signal(SIGTERM)
            #expect(await first.waitForExit(timeout: .seconds(15)))  // grace 0.3 s; the task would run 20 s
            #expect(first.exitStatus == 0)
            #expect(try await system.jobHash(jobID)["status"] == "running")  // left pending, not failed
            try await system.startWorker(extraArguments: Self.testTools)
            try await Self.takeOverThenCancel(jobID, in: system, firstWorker: firstWorker)
        }
    }

    @Test func finishedJobsExpireAfterTheRetention() async throws {
        try await withDeployment(workerArguments: ["--retention", "1"]) { system in
            let client = system.client()
            let jobID = try #require(try await client.call("noop").jobID)
            #expect(await eventually { (try? await system.jobHash(jobID))?["status"] == "done" })
            let ttl = try await system.inspector().send("PTTL", "mcp:{0}:job:\(jobID)").int64 ?? -1
            #expect(ttl > 0 && ttl <= 1000)
            #expect(await eventually(timeout: .seconds(30)) { (try? await system.jobHash(jobID))?.isEmpty == true })
            #expect(try await client.poll(jobID: jobID).errorCode == "unknown_job")
        }
    }
}
