import MCPBroker
import MCPWire
import NIOCore
import RedisClient

extension BenchRunner {
    /// The most envelopes one `submit` phase signs in advance.
    static let submitEnvelopes = 160_000

    /// `submit`: pre-signed async no-op envelopes over keep-alive connections as fast as they are accepted.
    /// Local workers are paused meanwhile, so the row is the accept path alone; the backlog is discarded afterwards.
    func submit() async throws {
        progress("submit: signing \(Self.submitEnvelopes) envelopes")
        let bodies = factory.bodies(tool: "noop", args: JSONObject(), count: Self.submitEnvelopes, label: "submit")
        let requests = configuration.useAsyncHTTPClient ? [] : bodies.map {
            LoadDriver.request(body: Array($0.readableBytesView), host: system.host, port: system.port)
        }
        if system.isLocal { system.pauseWorkers(true) }
        progress("submit: \(configuration.connections) connections for \(configuration.duration)")
        let clock = PhaseClock(pids: pids)
        let result = configuration.useAsyncHTTPClient
            ? try await AHCLoad(url: "http://\(system.host):\(system.port)/v1/envelopes", connections: configuration.connections)
                .run(bodies: bodies, limit: configuration.duration)
            : try await driver.run(LoadPlan(
                host: system.host, port: system.port, requests: requests, connections: configuration.connections,
                pacing: .closed, limit: configuration.duration))
        let generator = clock.generatorShare
        let shares = clock.processShares()
        let rate = BenchFormat.perSecond(count: result.succeeded, nanoseconds: result.elapsedNanos)
        checkStatuses(result, phase: "submit", expected: 202)
        report.rows.append(BenchRow(
            scenario: .submit, variant: "async noop c=\(configuration.connections)\(configuration.useAsyncHTTPClient ? " (AHC)" : "")", count: result.succeeded, perSecond: rate,
            latency: LatencySummary(nanoseconds: result.latency), ofCeiling: ceilingRate.map { rate / $0 }, generatorCPU: generator,
            target: "≥20,000/s", met: rate >= 20_000,
            notes: "accepted/s with workers \(system.isLocal ? "paused" : "running"); CPU \(shares)"))
        if system.isLocal {
            // Skip the backlog: the next phases measure their own jobs only.
            let redis = system.broker.redis
            for stream in system.keys.streams {
                try await redis.send("XGROUP", "SETID", stream, system.keys.workerGroup, "$")
                try await redis.send("XTRIM", stream, "MAXLEN", "0")
            }
            system.pauseWorkers(false)
            try await waitForIdleStream(timeout: .seconds(30))
        } else {
            progress("submit: waiting for the running workers to finish the backlog")
            try await waitForIdleStream(timeout: .seconds(120))
        }
    }

    /// Notes responses with an unexpected status as a warning.
    func checkStatuses(_ result: LoadResult, phase: String, expected: Int) {
        let other = result.statuses.filter { $0.key != expected }
        if !other.isEmpty || result.connectionFailures > 0 {
            report.warnings.append("\(phase): HTTP statuses \(result.statuses.sorted { $0.key < $1.key }), \(result.connectionFailures) connection failures")
        }
    }
}
