import MCPBroker
import MCPWire
import NIOCore
import RedisClient

extension BenchRunner {
    /// `e2e`: N no-op async jobs submitted and all completed; jobs/s from the first submit to the last completion.
    /// Also the `cost` of an async job: Redis counters before and after, divided by N.
    func endToEnd(showRow: Bool, showCost: Bool) async throws {
        let count = configuration.e2eJobs
        progress("e2e: signing \(count) envelopes")
        let requests = factory.requests(tool: "noop", args: JSONObject(), count: count, label: "e2e")
        try await waitForIdleStream(timeout: .seconds(30))
        progress("e2e: \(count) jobs over \(configuration.connections) connections")
        let before = try await system.redisInfo()
        let clock = PhaseClock(pids: pids)
        let result = try await driver.run(LoadPlan(
            host: system.host, port: system.port, requests: requests, connections: configuration.connections, pacing: .closed))
        let polls = try await waitForIdleStream(timeout: .seconds(120))
        let doneNanos = NIODeadline.now().uptimeNanoseconds
        let generator = clock.generatorShare
        let shares = clock.processShares()
        let after = try await system.redisInfo()
        checkStatuses(result, phase: "e2e", expected: 202)
        let jobs = result.succeeded
        let rate = BenchFormat.perSecond(count: jobs, nanoseconds: doneNanos - result.firstSendNanos)
        if showRow {
            report.rows.append(BenchRow(
                scenario: .e2e, variant: "async noop ×\(BenchFormat.grouped(count))", count: jobs, perSecond: rate,
                ofCeiling: ceilingRate.map { rate / $0 }, generatorCPU: generator, target: "≥10,000/s", met: rate >= 10_000,
                notes: "first submit → last completion (stream group idle, polled every ms); submit alone took \(BenchFormat.latency(micros: Double(result.elapsedNanos) / 1_000)); CPU \(shares)"))
        }
        if showCost {
            report.costs.append(cost(name: "async noop (e2e)", jobs: jobs, delta: after.since(before), ownCommands: ["xinfo": polls, "info": system.redisNodes]))
        }
    }

    /// Polls each partition's job stream consumer group in turn, every millisecond, until nothing
    /// is pending or unread in it (no job is being submitted meanwhile, so an idle stream stays
    /// idle); returns how many polls (XINFO commands, one round trip each) it sent.
    @discardableResult
    func waitForIdleStream(timeout: Duration) async throws -> Int {
        let redis = system.broker.redis
        let deadline = ContinuousClock.now + timeout
        var polls = 0
        for stream in system.keys.streams {
            while true {
                polls += 1
                if isIdle(groups: try await redis.send("XINFO", "GROUPS", stream).array ?? []) { break }
                guard ContinuousClock.now < deadline else { throw BenchError("jobs were still pending after \(timeout): are the workers running?") }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        return polls
    }

    /// Whether the worker group in an `XINFO GROUPS` reply has nothing pending or unread (no group: nothing to wait for).
    private func isIdle(groups: [RedisValue]) -> Bool {
        for group in groups {
            let fields = group.array ?? []
            var values = [String: RedisValueSummary]()
            var index = 0
            while index + 1 < fields.count {
                values[fields[index].string ?? ""] = RedisValueSummary(fields[index + 1])
                index += 2
            }
            guard values["name"]?.text == system.keys.workerGroup else { continue }
            return values["pending"]?.number == 0 && (values["lag"]?.number ?? 0) == 0
        }
        return true
    }

    /// Per-job cost from Redis counters, minus the bench's own commands.
    func cost(name: String, jobs: Int, delta: RedisInfo, ownCommands: [String: Int]) -> CostRow {
        var calls = delta.calls
        var own = 0
        for (command, count) in ownCommands {
            calls[command] = max(0, (calls[command] ?? 0) - count)
            if calls[command] == 0 { calls[command] = nil }
            own += count
        }
        let divisor = Double(max(jobs, 1))
        return CostRow(
            name: name, jobs: jobs,
            roundTripsPerJob: Double(max(0, delta.readsProcessed - own)) / divisor,
            commandsPerJob: Double(max(0, delta.commandsProcessed - own)) / divisor,
            callsPerJob: calls.mapValues { Double($0) / divisor },
            redisCPUMicrosPerJob: delta.cpuSeconds * 1e6 / divisor)
    }
}
