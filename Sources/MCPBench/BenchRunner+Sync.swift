import MCPWire

extension BenchRunner {
    /// The arguments of every `batch_sum` call.
    static let batchSumArgs = JSONObject([("numbers", .array([.integer(1), .float(2.5), .integer(3), .integer(10)]))])

    /// `sync`: `batch_sum` answered inline, closed loop (all connections) then open loop at a fixed rate.
    func sync(showRows: Bool, showCost: Bool) async throws {
        let closedLimit = configuration.duration / 2
        let closedCount = 60_000
        progress("sync: signing \(closedCount) envelopes; closed loop, \(configuration.connections) connections for \(closedLimit)")
        let closedRequests = factory.requests(tool: "batch_sum", args: Self.batchSumArgs, count: closedCount, label: "sync-closed")
        try await waitForIdleStream(timeout: .seconds(30))
        let before = try await system.redisInfo()
        let clock = PhaseClock(pids: pids)
        let closed = try await driver.run(LoadPlan(
            host: system.host, port: system.port, requests: closedRequests, connections: configuration.connections,
            pacing: .closed, limit: closedLimit))
        let generator = clock.generatorShare
        let shares = clock.processShares()
        let after = try await system.redisInfo()
        checkStatuses(closed, phase: "sync closed loop", expected: 200)
        let rate = BenchFormat.perSecond(count: closed.succeeded, nanoseconds: closed.elapsedNanos)
        if showRows {
            report.rows.append(BenchRow(
                scenario: .sync, variant: "batch_sum closed c=\(configuration.connections)", count: closed.succeeded, perSecond: rate,
                latency: LatencySummary(nanoseconds: closed.latency), ofCeiling: ceilingRate.map { rate / $0 }, generatorCPU: generator,
                notes: "answered inline; CPU \(shares)"))
        }
        if showCost {
            report.costs.append(cost(name: "sync batch_sum (closed loop)", jobs: closed.succeeded, delta: after.since(before), ownCommands: ["info": system.redisNodes]))
        }
        guard showRows else { return }

        let openRate = configuration.syncRate
        let openCount = max(1, Int(Double(openRate) * configuration.duration.seconds))
        progress("sync: open loop at \(openRate)/s for \(configuration.duration) over up to \(configuration.openLoopConnections) connections")
        let openRequests = factory.requests(tool: "batch_sum", args: Self.batchSumArgs, count: openCount, label: "sync-open")
        let openClock = PhaseClock(pids: pids)
        let open = try await driver.run(LoadPlan(
            host: system.host, port: system.port, requests: openRequests, connections: configuration.openLoopConnections,
            pacing: .open(perSecond: openRate)))
        checkStatuses(open, phase: "sync open loop", expected: 200)
        let latency = LatencySummary(nanoseconds: open.latency)
        let achieved = BenchFormat.perSecond(count: open.succeeded, nanoseconds: open.elapsedNanos)
        let service = LatencySummary(nanoseconds: open.serviceTime)
        report.rows.append(BenchRow(
            scenario: .sync, variant: "batch_sum open \(BenchFormat.grouped(openRate))/s", count: open.succeeded, perSecond: achieved,
            latency: latency, generatorCPU: openClock.generatorShare,
            target: "p50≤1ms p99≤5ms", met: latency.map { $0.p50 <= 1_000 && $0.p99 <= 5_000 },
            notes: "latency from when each request was due (coordinated omission corrected); uncorrected p99 \(service.map { BenchFormat.latency(micros: $0.p99) } ?? "-"); CPU \(openClock.processShares())"))
    }
}
