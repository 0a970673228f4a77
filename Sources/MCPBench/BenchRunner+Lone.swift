import Histogram
import MCPBroker
import MCPWire
import NIOCore
import RedisClient

extension BenchRunner {
    /// `lone`: after an idle second, one job, repeated: submit → final status. Async no-op (status read from
    /// its job hash, polled back to back) and a sync `batch_sum` (answered inline).
    func lone() async throws {
        let repeats = configuration.loneRepeats
        var asyncLatency = LoadResult.makeHistogram()
        var syncLatency = LoadResult.makeHistogram()
        let asyncRequests = factory.requests(tool: "noop", args: JSONObject(), count: repeats, label: "lone-async")
        let syncRequests = factory.requests(tool: "batch_sum", args: Self.batchSumArgs, count: repeats, label: "lone-sync")
        let redis = system.broker.redis
        var alone = RedisInfo()
        var ownCommands = ["info": 0, "hget": 0]
        for index in 0..<repeats {
            progress("lone: \(index + 1)/\(repeats)")
            try await Task.sleep(for: configuration.loneIdle)
            let before = try await system.redisInfo()
            let result = try await driver.run(LoadPlan(
                host: system.host, port: system.port, requests: [asyncRequests[index]], connections: 1, pacing: .closed, keepBodies: true))
            guard result.succeeded == 1, let body = result.bodies.first,
                  let response = try? Response(json: JSONParser.parse(Array(body.readableBytesView))),
                  case .string(let jobID)? = response.result?["job_id"] else {
                throw BenchError("lone: the gateway did not accept the job (statuses \(result.statuses))")
            }
            let key = system.keys.job(jobID, in: system.keys.partitioning.partition(ofJob: jobID) ?? 0)
            var status = ""
            let deadline = ContinuousClock.now + .seconds(10)
            while !["done", "error", "cancelled"].contains(status) && ContinuousClock.now < deadline {
                status = try await redis.send("HGET", key, "status").string ?? ""
                ownCommands["hget", default: 0] += 1
            }
            let now = NIODeadline.now().uptimeNanoseconds
            _ = asyncLatency.record(now - result.firstSendNanos)
            // Give the worker time to send its next read, so this job's whole cycle is counted.
            try await Task.sleep(for: .milliseconds(20))
            let delta = try await system.redisInfo().since(before)
            ownCommands["info", default: 0] += system.redisNodes
            alone.readsProcessed += delta.readsProcessed
            alone.commandsProcessed += delta.commandsProcessed
            alone.cpuSeconds += delta.cpuSeconds
            alone.calls.merge(delta.calls, uniquingKeysWith: +)

            try await Task.sleep(for: configuration.loneIdle)
            let sync = try await driver.run(LoadPlan(
                host: system.host, port: system.port, requests: [syncRequests[index]], connections: 1, pacing: .closed))
            checkStatuses(sync, phase: "lone sync", expected: 200)
            _ = syncLatency.record(sync.elapsedNanos)
        }
        if configuration.scenarios.contains(.cost) {
            report.costs.append(cost(name: "async noop, alone (lone)", jobs: repeats, delta: alone, ownCommands: ownCommands))
        }
        let asyncSummary = LatencySummary(nanoseconds: asyncLatency)
        report.rows.append(BenchRow(
            scenario: .lone, variant: "async noop, \(BenchFormat.latency(micros: configuration.loneIdle.seconds * 1e6)) idle", count: repeats, latency: asyncSummary,
            target: "≤2ms", met: asyncSummary.map { $0.max <= 2_000 },
            notes: "submit → status done in the job hash (HGET back to back, ~50µs resolution)"))
        let syncSummary = LatencySummary(nanoseconds: syncLatency)
        report.rows.append(BenchRow(
            scenario: .lone, variant: "sync batch_sum, \(BenchFormat.latency(micros: configuration.loneIdle.seconds * 1e6)) idle", count: repeats, latency: syncSummary,
            target: "≤2ms", met: syncSummary.map { $0.max <= 2_000 }, notes: "request → inline answer"))
    }
}
