import Foundation

/// The result of one run: the rows, the cost per job, memory, and how it was run.
public struct BenchReport: Sendable, Codable, Equatable {
    /// One line per scenario variant, in run order.
    public var rows: [BenchRow] = []
    /// Workloads as users run them (`closed`, `ingress`).
    public var userLoads: [UserLoadRow] = []
    /// Redis cost per job.
    public var costs: [CostRow] = []
    /// Process memory (local mode only).
    public var memory: [MemoryRow] = []
    /// With `--cluster`: the same figures on one server and on the cluster, side by side.
    public var clusterComparison: [ClusterComparisonRow] = []
    /// The machine and settings: cores, workers, connections, Redis transport.
    public var setup: [String: String] = [:]
    /// Problems worth knowing about (e.g. requests that failed).
    public var warnings: [String] = []

    /// An empty report.
    public init() {}

    /// The report as text: the main table, then cost and memory.
    public func text() -> String {
        var main = TextTable(
            headers: ["scenario", "variant", "ops", "ops/s", "p50", "p90", "p99", "p99.9", "max", "ceiling", "gen CPU", "target"],
            leftAligned: 2)
        for row in rows {
            let latency = row.latency
            main.rows.append([
                row.scenario.rawValue, row.variant, BenchFormat.grouped(row.count),
                row.perSecond.map(BenchFormat.rate) ?? "-",
                latency.map { BenchFormat.latency(micros: $0.p50) } ?? "-",
                latency.map { BenchFormat.latency(micros: $0.p90) } ?? "-",
                latency.map { BenchFormat.latency(micros: $0.p99) } ?? "-",
                latency.map { BenchFormat.latency(micros: $0.p999) } ?? "-",
                latency.map { BenchFormat.latency(micros: $0.max) } ?? "-",
                row.ofCeiling.map(BenchFormat.percent) ?? "-",
                row.generatorCPU.map(BenchFormat.percent) ?? "-",
                row.target.map { "\($0) \(row.met == true ? "met" : row.met == false ? "MISSED" : "")" } ?? "",
            ])
        }
        var sections = rows.isEmpty ? [] : [main.render()]
        let notes = rows.filter { !$0.notes.isEmpty }.map { "  \($0.scenario.rawValue) \($0.variant): \($0.notes)" }
        if !notes.isEmpty { sections.append("notes:\n" + notes.joined(separator: "\n")) }
        if !userLoads.isEmpty {
            var table = TextTable(
                headers: ["as users call", "jobs", "jobs/s", "p50", "p99", "server CPU/job", "redis CPU/job", "cmds/job", "server RSS", "gen CPU"],
                leftAligned: 1)
            for row in userLoads {
                table.rows.append([
                    row.workload, BenchFormat.grouped(row.jobs), BenchFormat.rate(row.perSecond),
                    row.latency.map { BenchFormat.latency(micros: $0.p50) } ?? "-", row.latency.map { BenchFormat.latency(micros: $0.p99) } ?? "-",
                    "\(Int(row.serverCPUMicrosPerJob.rounded()))µs", "\(Int(row.redisCPUMicrosPerJob.rounded()))µs",
                    BenchFormat.decimal(row.commandsPerJob), BenchFormat.mebibytes(row.serverRSSBytes), BenchFormat.percent(row.generatorCPU),
                ])
            }
            sections.append(table.render())
        }
        if !costs.isEmpty {
            var table = TextTable(headers: ["cost per job", "jobs", "round trips", "commands", "redis CPU", "top commands"], leftAligned: 1)
            for cost in costs {
                let top = cost.callsPerJob.sorted { $0.value > $1.value }.prefix(6)
                    .map { "\($0.key) \(BenchFormat.decimal($0.value))" }.joined(separator: ", ")
                table.rows.append([
                    cost.name, BenchFormat.grouped(cost.jobs), BenchFormat.decimal(cost.roundTripsPerJob),
                    BenchFormat.decimal(cost.commandsPerJob), "\(Int(cost.redisCPUMicrosPerJob.rounded()))µs", top,
                ])
            }
            sections.append(table.render())
        }
        if !memory.isEmpty {
            var table = TextTable(headers: ["process", "RSS idle", "RSS peak"], leftAligned: 1)
            for row in memory {
                table.rows.append([row.process, BenchFormat.mebibytes(row.idleBytes), BenchFormat.mebibytes(row.peakBytes)])
            }
            sections.append(table.render())
        }
        if !clusterComparison.isEmpty { sections.append(clusterComparisonText()) }
        if !setup.isEmpty {
            sections.append("setup: " + setup.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        if !warnings.isEmpty { sections.append("warnings:\n" + warnings.map { "  \($0)" }.joined(separator: "\n")) }
        return sections.joined(separator: "\n\n")
    }

    /// The report as pretty-printed JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
