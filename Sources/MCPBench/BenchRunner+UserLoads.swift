import Foundation
import Histogram
import MCPBroker
import MCPWire
import NIOCore
import RedisClient
import RedisTestSupport

extension BenchRunner {
    /// `closed`: N clients, each sending one `batch_sum` and waiting for its answer
    /// before the next (no pipelining), for N in ``BenchConfiguration/closedClients``.
    func closedLoops() async throws {
        for clients in configuration.closedClients {
            let limit = configuration.duration
            // Enough for 30 000 answers a second (several times what a closed loop reaches here); ends early otherwise.
            let count = min(200_000, max(1_000, Int(limit.seconds * 30_000)))
            progress("closed: \(clients) client(s), one request at a time, for \(limit)")
            let requests = factory.requests(tool: "batch_sum", args: Self.batchSumArgs, count: count, label: "closed-\(clients)")
            try await waitForIdleStream(timeout: .seconds(30))
            let before = try await system.redisInfo()
            let clock = PhaseClock(pids: pids)
            let result = try await driver.run(LoadPlan(
                host: system.host, port: system.port, requests: requests, connections: clients, pacing: .closed, limit: limit))
            let generator = clock.generatorShare
            let cpu = clock.serverAndRedisCPUSeconds()
            let after = try await system.redisInfo()
            checkStatuses(result, phase: "closed loop, \(clients) clients", expected: 200)
            let jobs = max(result.succeeded, 1)
            report.userLoads.append(UserLoadRow(
                workload: "HTTP batch_sum, \(clients) client\(clients == 1 ? "" : "s")", jobs: result.succeeded,
                perSecond: BenchFormat.perSecond(count: result.succeeded, nanoseconds: result.elapsedNanos),
                latency: LatencySummary(nanoseconds: result.latency), serverCPUMicrosPerJob: cpu.server * 1e6 / Double(jobs),
                redisCPUMicrosPerJob: after.since(before).cpuSeconds * 1e6 / Double(jobs),
                commandsPerJob: Double(max(0, after.since(before).commandsProcessed - system.redisNodes)) / Double(jobs),
                serverRSSBytes: serverRSS(), generatorCPU: generator))
        }
    }

    /// The `closed` scenario's Python rows: `bench/python/closed_loop.py` (standard
    /// library threads and `http.client`, as a Python user writes it) with N clients,
    /// measured from here like the Swift rows. Skipped, with a warning, without Python.
    func pythonClosedLoops() async throws {
        guard FileManager.default.fileExists(atPath: configuration.pythonClient) else {
            report.warnings.append("closed: no Python rows (\(configuration.pythonClient) is missing; --python-client)")
            return
        }
        for clients in configuration.closedClients {
            progress("closed: \(clients) Python client(s) (\(configuration.python))")
            try await waitForIdleStream(timeout: .seconds(30))
            let before = try await system.redisInfo()
            let clock = PhaseClock(pids: pids)
            let run: ProgramRun
            do {
                run = try await ProgramRun.run(configuration.python, [
                    configuration.pythonClient, "--host", system.host, "--port", String(system.port),
                    "--client-id", system.credentials.clientID, "--secret-hex", system.credentials.secretHex,
                    "--server-id", system.credentials.serverID, "--clients", String(clients),
                    "--seconds", String(configuration.duration.seconds), "--warmup", "0",  // the server is measured over the whole run
                ], timeout: configuration.duration + .seconds(60))
            } catch {
                report.warnings.append("closed: no Python rows (\(configuration.python) did not start: \(error))")
                return
            }
            let cpu = clock.serverAndRedisCPUSeconds()
            let after = try await system.redisInfo()
            guard run.status == 0, let line = run.output.split(separator: "\n").last,
                  let result = try? JSONParser.parse(String(line)).objectValue,
                  let jobs = result["jobs"]?.int64Value, jobs > 0 else {
                report.warnings.append("closed: the Python client failed (exit \(run.status)): \(run.errors.suffix(300))")
                continue
            }
            if let errors = result["errors"]?.int64Value, errors > 0 {
                report.warnings.append("closed, Python \(clients): \(errors) failed calls, first \(result["first_error"]?.stringValue ?? "-")")
            }
            let seconds = result["seconds"]?.doubleValue ?? configuration.duration.seconds
            let count = Double(jobs)
            let delta = after.since(before)
            report.userLoads.append(UserLoadRow(
                workload: "Python HTTP batch_sum, \(clients) client\(clients == 1 ? "" : "s")", jobs: Int(jobs),
                perSecond: count / max(seconds, 1e-9),
                latency: LatencySummary(
                    p50: result["p50_us"]?.doubleValue ?? 0, p90: 0, p99: result["p99_us"]?.doubleValue ?? 0, p999: 0,
                    max: result["p99_us"]?.doubleValue ?? 0),
                serverCPUMicrosPerJob: cpu.server * 1e6 / count, redisCPUMicrosPerJob: delta.cpuSeconds * 1e6 / count,
                commandsPerJob: Double(max(0, delta.commandsProcessed - system.redisNodes)) / count,
                serverRSSBytes: serverRSS(), generatorCPU: (result["client_cpu_s"]?.doubleValue ?? 0) / max(seconds, 1e-9)))
        }
    }

    /// `ingress`: one producer XADDs ``BenchConfiguration/ingressJobs`` `batch_sum`
    /// envelopes to `mcp:ingress`, one at a time, each naming its results stream in
    /// `reply_to`; then it reads every answer there (XREAD BLOCK). Jobs/s from the
    /// first XADD to the last answer read, as a Python producer beside dramatiq measures.
    func ingressProducer() async throws {
        let count = configuration.ingressJobs
        progress("ingress: signing \(count) envelopes")
        let bodies = factory.bodies(tool: "batch_sum", args: Self.batchSumArgs, count: count, label: "ingress").map {
            String(decoding: $0.readableBytesView, as: UTF8.self)
        }
        let results = "bench-" + String(UUID().uuidString.prefix(8)).lowercased()
        let resultsKey = "\(system.keys.prefix):results:\(results)"
        var configurationOfProducer = try RedisConfiguration(url: system.redisURL)
        configurationOfProducer.commandTimeout = .seconds(10)
        let producer = RedisClient(configuration: configurationOfProducer)
        defer { producer.close() }
        try await waitForIdleStream(timeout: .seconds(30))
        progress("ingress: one producer, \(count) XADDs one at a time, answers on \(resultsKey)")
        let before = try await system.redisInfo()
        let clock = PhaseClock(pids: pids)
        let start = NIODeadline.now().uptimeNanoseconds
        var sentAt = [String: UInt64]()
        sentAt.reserveCapacity(count)
        for (index, body) in bodies.enumerated() {
            sentAt["req-" + factory.requestSuffix(label: "ingress", index: index)] = NIODeadline.now().uptimeNanoseconds
            _ = try await producer.xadd(system.keys.ingress, fields: [
                StreamField(name: "envelope", value: body), StreamField(name: "reply_to", value: results),
            ])
        }
        var latency = LoadResult.makeHistogram()
        var answered = 0, failed = 0, reads = 0
        var cursor = "0-0"
        let deadline = ContinuousClock.now + .seconds(120)
        while answered + failed < count && ContinuousClock.now < deadline {
            reads += 1
            let read = try await producer.xread(streams: [(resultsKey, cursor)], count: 1_000, block: .seconds(2))
            let now = NIODeadline.now().uptimeNanoseconds
            for entry in read.flatMap(\.entries) {
                cursor = entry.id
                if entry["status"] == "done" { answered += 1 } else { failed += 1 }
                if let sent = entry["request_id"].flatMap({ sentAt[$0] }), now > sent { _ = latency.record(now - sent) }
            }
        }
        let end = NIODeadline.now().uptimeNanoseconds
        let generator = clock.generatorShare
        let cpu = clock.serverAndRedisCPUSeconds()
        let after = try await system.redisInfo()
        _ = try? await producer.send("DEL", resultsKey)
        if failed > 0 || answered < count {
            report.warnings.append("ingress: \(answered) of \(count) answered done, \(failed) otherwise (see mcp:ingress:rejected)")
        }
        let jobs = max(answered, 1)
        let delta = after.since(before)
        report.userLoads.append(UserLoadRow(
            workload: "ingress batch_sum, 1 producer (reply_to)", jobs: answered,
            perSecond: BenchFormat.perSecond(count: answered, nanoseconds: end > start ? end - start : 0),
            latency: LatencySummary(nanoseconds: latency), serverCPUMicrosPerJob: cpu.server * 1e6 / Double(jobs),
            redisCPUMicrosPerJob: delta.cpuSeconds * 1e6 / Double(jobs),
            commandsPerJob: Double(max(0, delta.commandsProcessed - system.redisNodes - reads - count)) / Double(jobs),
            serverRSSBytes: serverRSS(), generatorCPU: generator))
    }

    /// Resident memory of the gateway and workers now (0 when attached to a running system).
    func serverRSS() -> Int {
        pids.filter { $0.0 != "redis" }.compactMap { ProcessStats.memory(pid: $0.1)?.rss }.reduce(0, +)
    }
}
