import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// DESIGN §10's loss model, measured: jobs through 2 gateways and 3 workers on a
/// local Redis Cluster (3 primaries, 2 replicas each, `--partitions 6`) while one
/// primary is SIGKILLed (a replica takes over) and a slot moves online. Prints
/// accepted, done, lost, executed twice, 503s and the longest time without an
/// accepted job. With `replicated` durability (the default here) nothing
/// accepted may be lost. `make test` runs a small round; `make chaos-cluster`
/// runs 5 000 jobs per durability level (`MCP_CHAOS_CLUSTER_JOBS`,
/// `MCP_CHAOS_CLUSTER_DURABILITY`).
@Suite("Chaos on Redis Cluster: a primary dies, a slot moves", .serialized)
struct ClusterChaosTests {
    static var jobCount: Int { Int(ProcessInfo.processInfo.environment["MCP_CHAOS_CLUSTER_JOBS"] ?? "") ?? 400 }
    static var durability: String { ProcessInfo.processInfo.environment["MCP_CHAOS_CLUSTER_DURABILITY"] ?? "replicated" }

    @Test func acceptedJobsSurviveAFailover() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 2) { cluster in
            try await withClusterSystem(
                on: cluster, partitions: 6, gateways: 2, workers: 3, workerArguments: ["--enable-test-tools", "--lease", "2", "--concurrency", "16"],
                gatewayArguments: ["--durability", Self.durability, "--replication-timeout", "2"]
            ) { system in
                let clients = [system.client(0), system.client(1)]
                let log = ChaosLog()
                let total = Self.jobCount
                async let submitted: Void = Self.submit(total, clients: clients, into: log)
                // A third of the way in: SIGKILL the primary of partition 0's slot; then move another partition's slot online.
                #expect(await eventually(timeout: .seconds(120)) { await log.accepted.count >= total / 3 })
                let victim = try await cluster.port(owningSlot: ClusterKeySlot.slot(of: "mcp:{0}:stream"))
                await log.mark("kill")
                let promoted = try await cluster.killPrimary(victim)
                await log.mark("promoted")
                let slot = ClusterKeySlot.slot(of: "mcp:{1}:stream")
                let owner = try await cluster.port(owningSlot: slot)
                if let target = try await cluster.primaryPorts().first(where: { $0 != owner && $0 != victim }) {
                    try await cluster.migrateSlot(slot, to: target)
                    await log.mark("resharded")
            }
            try await submitted
            // Every accepted job must end (read through the cluster client).
            let redis = try cluster.client()
            let ids = await log.accepted
            var statuses: [String: [String: String]] = [:]
            _ = await eventually(timeout: .seconds(120)) {
                for id in ids where !ChaosTests.isFinal(statuses[id]) {
                    let p = Int(id.prefix(4), radix: 16) ?? 0
                    statuses[id] = try? await redis.hgetall("mcp:{\(p)}:job:\(id)")
                }
                return ids.allSatisfy { ChaosTests.isFinal(statuses[$0]) }
            }
            let done = ids.filter { statuses[$0]?["status"] == "done" }.count
            let lost = ids.filter { !ChaosTests.isFinal(statuses[$0]) }
            let twice = ids.filter { Int(statuses[$0]?["completions"] ?? "0") ?? 0 > 1 }.count
            let gap = await log.longestGapMs
            print("chaos-cluster: durability=\(Self.durability) submitted=\(total) accepted=\(ids.count) done=\(done) lost=\(lost.count) executed-twice=\(twice) answered-503=\(await log.unavailable) longest-without-accept-ms=\(gap) killed=\(victim) promoted=\(promoted) events=\(await log.events)")
            #expect(ids.count > total / 2, "most submissions should be accepted")
            if Self.durability == "replicated" { #expect(lost.isEmpty, "accepted but never final: \(lost.prefix(5))") }
            for process in system.processes { #expect(process.isRunning, "a process did not ride through the failover:\n\(process.log.suffix(2000))") }
            }
        }
    }

    /// Submits `total` jobs over 16 connections spread over both gateways; retries a 503 with the same request id (bounded).
    static func submit(_ total: Int, clients: [MCPStreamsClient], into log: ChaosLog) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<16 {
                group.addTask {
                    let client = clients[lane % clients.count]
                    for n in stride(from: lane, to: total, by: 16) {
                        let args: JSONObject = n % 10 == 0 ? ["sleep_ms": 300] : ["sleep_ms": .integer(JSONInteger(Int64(n % 20)))]
                        let requestID = "chaos-\(n)"
                        for _ in 0..<20 {
                            guard let reply = try? await client.call("simulate", args: args, requestID: requestID) else {
                                try await Task.sleep(for: .milliseconds(50))
                                continue
                            }
                            if reply.httpStatus == 202, let id = reply.jobID {
                                await log.accept(id)
                                break
                            }
                            await log.countUnavailable()
                            try await Task.sleep(for: .milliseconds(100))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// What the chaos round saw: accepted ids (each once), 503s, events, and the longest stretch without an accept.
actor ChaosLog {
    private(set) var accepted: [String] = []
    private var seen: Set<String> = []
    private(set) var unavailable = 0
    private(set) var events: [String] = []
    private var lastAccept = ContinuousClock.now
    private(set) var longestGapMs: Int64 = 0
    private let start = ContinuousClock.now

    func accept(_ id: String) {
        let now = ContinuousClock.now
        let gap = (now - lastAccept).components
        longestGapMs = max(longestGapMs, gap.seconds * 1000 + gap.attoseconds / 1_000_000_000_000_000)
        lastAccept = now
        if seen.insert(id).inserted { accepted.append(id) }
    }

    func countUnavailable() { unavailable += 1 }

    func mark(_ event: String) {
        let at = (ContinuousClock.now - start).components
        events.append("\(event)@\(at.seconds * 1000 + at.attoseconds / 1_000_000_000_000_000)ms")
    }
}
