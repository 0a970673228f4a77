import Foundation
import MCPBroker
import MCPWire
import NIOCore
import RedisClient
import RedisTestSupport

/// Runs the selected scenarios against a system it starts (or attaches to)
/// and collects the report. Used from one task; not shared.
public final class BenchRunner {
    let configuration: BenchConfiguration
    let system: BenchSystem
    let driver = LoadDriver()
    let factory: EnvelopeFactory
    let progress: (String) -> Void
    var report = BenchReport()
    /// The ceiling's accept rate, once measured; other rows are divided by it.
    var ceilingRate: Double?
    /// The processes whose CPU each phase reports: gateway, workers, Redis (local mode).
    var pids: [(String, Int32)] = []

    private init(configuration: BenchConfiguration, system: BenchSystem, progress: @escaping (String) -> Void) {
        self.configuration = configuration
        self.system = system
        self.progress = progress
        factory = EnvelopeFactory(credentials: system.credentials, host: system.host, port: system.port)
    }

    /// Runs a whole benchmark: start or attach, every selected scenario, stop. `progress` receives one line per phase.
    /// With ``BenchConfiguration/clusterPrimaries``, the scenarios run again on a local Redis Cluster
    /// (its rows marked `[cluster N×, P]`; `ceiling` is the single server's) and the report compares the two.
    public static func run(_ configuration: BenchConfiguration, progress: @escaping (String) -> Void) async throws -> BenchReport {
        try configuration.validate()
        progress(configuration.isLocal
            ? "starting redis-server, \(configuration.workers) mcp-worker and one mcp-gateway from \(configuration.binaryFolder.path)"
            : "attaching to \(configuration.gatewayURL ?? "") and \(configuration.redisURL ?? "")")
        let system = configuration.isLocal ? try await BenchSystem.start(configuration) : try BenchSystem.attach(configuration)
        let single = try await run(configuration, on: system, ceilingRate: nil, progress: progress)
        let primaries = configuration.clusterPrimaries
        guard primaries > 0 else { return single.report }
        let label = "[cluster \(primaries)×, P \(configuration.clusterPartitions(primaries: primaries))]"
        progress("starting a Redis Cluster of \(primaries) primaries, \(configuration.workers) mcp-worker and one mcp-gateway")
        var clusterConfiguration = configuration
        // redis-benchmark's accept row needs its keys in one slot: the single server's ceiling stands for both.
        clusterConfiguration.scenarios.removeAll { $0 == .ceiling }
        let clusterSystem = try await BenchSystem.start(clusterConfiguration, cluster: primaries)
        let clustered = try await run(
            clusterConfiguration, on: clusterSystem, ceilingRate: single.ceilingRate, progress: { progress("\(label) \($0)") })
        var report = single.report
        report.merge(cluster: clustered.report, label: label)
        return report
    }

    /// Runs the scenarios on one system, then stops it.
    private static func run(
        _ configuration: BenchConfiguration, on system: BenchSystem, ceilingRate: Double?, progress: @escaping (String) -> Void
    ) async throws -> (report: BenchReport, ceilingRate: Double?) {
        let runner = BenchRunner(configuration: configuration, system: system, progress: progress)
        runner.ceilingRate = ceilingRate
        do {
            try await runner.runScenarios()
        } catch {
            await runner.driver.shutdown()
            await system.stop()
            throw error
        }
        await runner.driver.shutdown()
        // Only a system the bench started: an attached one's Redis is someone's deployment.
        if configuration.isLocal { await runner.auditKeys() }
        await system.stop()
        return (runner.report, runner.ceilingRate)
    }

    private func runScenarios() async throws {
        recordSetup()
        if system.isLocal {
            pids = (system.gateway.map { [("gateway", $0.pid)] } ?? []) + system.workers.map { ($0.name, $0.pid) }
            pids += try await system.redisPIDs().map { ("redis", $0) }
        }
        let idle = processMemory()
        let selected = Set(configuration.scenarios)
        if selected.contains(.ceiling) { try await ceiling() }
        if selected.contains(.submit) { try await submit() }
        if selected.contains(.e2e) || selected.contains(.cost) { try await endToEnd(showRow: selected.contains(.e2e), showCost: selected.contains(.cost)) }
        if selected.contains(.sync) || selected.contains(.cost) { try await sync(showRows: selected.contains(.sync), showCost: selected.contains(.cost)) }
        if selected.contains(.closed) {
            try await closedLoops()
            try await pythonClosedLoops()
        }
        if selected.contains(.ingress) { try await ingressProducer() }
        if selected.contains(.lone) { try await lone() }
        if selected.contains(.cost) {
            let peak = processMemory()
            report.memory = idle.map { name, rss in MemoryRow(process: name, idleBytes: rss.rss, peakBytes: peak.first { $0.0 == name }?.1.peak ?? rss.peak) }
        }
    }

    private func recordSetup() {
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        report.setup = [
            "cores": String(ProcessInfo.processInfo.activeProcessorCount),
            "mode": system.isLocal ? "local" : "external",
            "redis": "\(system.redisEndpoint.address)".hasPrefix("unix") ? "unix-socket" : "tcp",
            "connections": String(configuration.connections),
            "build": build,
        ]
        if system.isLocal {
            report.setup["workers"] = "\(configuration.workers)x\(configuration.workerConcurrency)"
            report.setup["aof"] = configuration.aof ? "everysec" : "off"
            report.setup["partitions"] = String(system.keys.partitioning.count)
            if system.isCluster { report.setup["redis"] = "cluster of \(configuration.clusterPrimaries) primaries, no replicas" }
        }
    }

    /// RSS of every started process, by name.
    private func processMemory() -> [(String, (rss: Int, peak: Int))] {
        var result = [(String, (rss: Int, peak: Int))]()
        if let gateway = system.gateway, let memory = ProcessStats.memory(pid: gateway.pid) { result.append(("gateway", memory)) }
        for worker in system.workers {
            if let memory = ProcessStats.memory(pid: worker.pid) { result.append((worker.name, memory)) }
        }
        return result
    }
}
