import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// Thousands of jobs through the gateway while workers are SIGKILLed and
/// replaced and Redis (AOF on) restarts once. Every accepted job must reach a
/// final status. `make test` runs a small round; `make chaos` a big one
/// (`MCP_CHAOS_JOBS`, default 300 here).
@Suite("Chaos: kill workers, restart Redis, lose nothing", .serialized)
struct ChaosTests {
    static var jobCount: Int { Int(ProcessInfo.processInfo.environment["MCP_CHAOS_JOBS"] ?? "") ?? 300 }
    /// Submissions are spread over this many seconds so the kills land mid-stream (`MCP_CHAOS_SECONDS`, default 4).
    static var seconds: Double { Double(ProcessInfo.processInfo.environment["MCP_CHAOS_SECONDS"] ?? "") ?? 4 }
    static let workerArguments = ["--enable-test-tools", "--lease", "1", "--concurrency", "16"]

    @Test func acceptedJobsAllReachAFinalStatus() async throws {
        try await withDeployment(workers: 3, workerArguments: Self.workerArguments, redisArguments: ["--appendonly", "yes"]) { system in
            let total = Self.jobCount
            let accepted = AcceptedJobs()
            async let submitted: Void = Self.submit(total, to: system, into: accepted)
            let chaos = Task { try await Self.wreak(on: system, until: accepted, total: total) }
            try await submitted
            chaos.cancel()
            _ = await chaos.result
            if system.workers.filter(\.isRunning).isEmpty { try await system.startWorker(extraArguments: Self.workerArguments) }

            let ids = await accepted.ids
            let redis = try system.inspector()
            var statuses: [String: [String: String]] = [:]
            _ = await eventually(timeout: .seconds(90)) {
                for id in ids where !Self.isFinal(statuses[id]) {
                    statuses[id] = try? await redis.hgetall("mcp:{0}:job:\(id)")
                }
                return ids.allSatisfy { Self.isFinal(statuses[$0]) }
            }
            let done = ids.filter { statuses[$0]?["status"] == "done" }.count
            let dead = ids.filter { statuses[$0]?["dead"] == "1" }.count
            let errors = ids.filter { statuses[$0]?["status"] == "error" }.count - dead
            let lost = ids.filter { !Self.isFinal(statuses[$0]) }
            let twice = ids.filter { Int(statuses[$0]?["completions"] ?? "0") ?? 0 > 1 }.count
            let answered = await accepted.answered
            print("chaos: submitted=\(total) accepted=\(ids.count) answered-at-once=\(answered) done=\(done) error=\(errors) dead=\(dead) lost=\(lost.count) executed-twice=\(twice) workers-killed=\(await accepted.kills) redis-restarts=1")
            #expect(ids.count + answered > total / 2, "most submissions should be accepted")
            #expect(answered > 0, "some sync batch_sum calls should have been answered")
            #expect(lost.isEmpty, "accepted but never final: \(lost.prefix(5))")
            #expect(done + errors + dead == ids.count)
        }
    }

    static func isFinal(_ hash: [String: String]?) -> Bool {
        guard let status = hash?["status"] else { return false }
        return status == "done" || status == "error" || status == "cancelled"
    }

    /// Submits `total` jobs over 16 concurrent connections, paced to last about
    /// ``seconds``; records the accepted ones.
    static func submit(_ total: Int, to system: Deployment, into accepted: AcceptedJobs) async throws {
        let client = system.client()
        let pause = Duration.milliseconds(Int64(seconds * 1000 * 16 / Double(max(total, 1))))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<16 {
                group.addTask {
                    for n in stride(from: lane, to: total, by: 16) {
                        // Mostly quick jobs, some slow (killed mid-run), some failing once (retried); every
                        // third a sync batch_sum, which a worker runs inline and settles with its next read.
                        let args: JSONObject = n % 10 == 0 ? ["sleep_ms": 400] : n % 7 == 0 ? ["fail_attempts": 1] : ["sleep_ms": .integer(JSONInteger(Int64(n % 20)))]
                        let inline = n % 3 == 2
                        guard let reply = try? await (inline ? client.call("batch_sum", args: ["numbers": [1, 2, 3]]) : client.call("simulate", args: args))
                        else { continue }
                        if reply.httpStatus == 202, let id = reply.jobID { await accepted.add(id) }
                        if inline && reply.httpStatus == 200 {  // final already: done with its total (or a final error)
                            if reply.response.status != .error && reply.response.result?["total"] != 6 {
                                Issue.record("batch_sum answered without its total: \(reply.response)")
                            }
                            await accepted.countAnswered()
                        }
                        try await Task.sleep(for: reply.httpStatus == 503 ? max(pause, .milliseconds(50)) : pause)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Every 250 ms SIGKILLs a random worker and starts a new one; restarts Redis once, a third of the way in.
    static func wreak(on system: Deployment, until accepted: AcceptedJobs, total: Int) async throws {
        var restarted = false
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(250))
            if let victim = system.workers.filter(\.isRunning).randomElement() {
                await victim.killAndWait()
                await accepted.countKill()
            }
            try await system.startWorker(extraArguments: workerArguments)
            if !restarted, await accepted.ids.count > total / 3 {
                restarted = true
                try await system.redis.restart()
            }
        }
    }
}

/// Job ids the gateway accepted, shared by the submitting lanes.
actor AcceptedJobs {
    private(set) var ids: [String] = []
    private(set) var kills = 0
    /// Sync calls answered with their result at once (final by then: not in ``ids``).
    private(set) var answered = 0
    func add(_ id: String) { ids.append(id) }
    func countKill() { kills += 1 }
    func countAnswered() { answered += 1 }
}
