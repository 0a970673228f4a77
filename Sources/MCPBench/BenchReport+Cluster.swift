extension BenchReport {
    /// Adds the rows of the same scenarios run on a Redis Cluster (`--cluster`), each
    /// marked with `label`, and the comparison of the figures the cluster must keep:
    /// Redis CPU per job ≤ 1.3× and the same round trips per job as one server (per
    /// `cost` row), a lone job within 2× of its single-server latency, and jobs/s of
    /// every workload (no target: on one machine the nodes share its cores).
    mutating func merge(cluster other: BenchReport, label: String) {
        for cost in costs {
            guard let twin = other.costs.first(where: { $0.name == cost.name }) else { continue }
            // A lone job's counters span a second of idle housekeeping (timers, a cluster's bus): shown, not judged.
            let judged = !cost.name.hasSuffix("(lone)")
            clusterComparison.append(ClusterComparisonRow(
                measure: "redis CPU µs/job, \(cost.name)", single: cost.redisCPUMicrosPerJob, cluster: twin.redisCPUMicrosPerJob,
                limit: judged ? 1.3 : nil))
            // Same round trips: within a tenth of one per job (the counters include housekeeping).
            clusterComparison.append(ClusterComparisonRow(
                measure: "round trips/job, \(cost.name)", single: cost.roundTripsPerJob, cluster: twin.roundTripsPerJob,
                limit: judged && cost.roundTripsPerJob > 0 ? (cost.roundTripsPerJob + 0.1) / cost.roundTripsPerJob : nil))
            clusterComparison.append(ClusterComparisonRow(
                measure: "commands/job, \(cost.name)", single: cost.commandsPerJob, cluster: twin.commandsPerJob))
        }
        for row in rows {
            guard let twin = other.rows.first(where: { $0.scenario == row.scenario && $0.variant == row.variant }) else { continue }
            if row.scenario == .lone, let mine = row.latency, let theirs = twin.latency {
                clusterComparison.append(ClusterComparisonRow(measure: "p50 µs, lone \(row.variant)", single: mine.p50, cluster: theirs.p50, limit: 2))
            } else if let mine = row.perSecond, let theirs = twin.perSecond {
                clusterComparison.append(ClusterComparisonRow(measure: "ops/s, \(row.scenario.rawValue) \(row.variant)", single: mine, cluster: theirs))
            }
        }
        for load in userLoads {
            guard let twin = other.userLoads.first(where: { $0.workload == load.workload }) else { continue }
            clusterComparison.append(ClusterComparisonRow(measure: "jobs/s, \(load.workload)", single: load.perSecond, cluster: twin.perSecond))
            clusterComparison.append(ClusterComparisonRow(
                measure: "redis CPU µs/job, \(load.workload)", single: load.redisCPUMicrosPerJob, cluster: twin.redisCPUMicrosPerJob))
        }
        rows += other.rows.map { row in var row = row; row.variant = "\(label) \(row.variant)"; return row }
        userLoads += other.userLoads.map { row in var row = row; row.workload = "\(label) \(row.workload)"; return row }
        costs += other.costs.map { row in var row = row; row.name = "\(label) \(row.name)"; return row }
        memory += other.memory.map { row in var row = row; row.process = "\(label) \(row.process)"; return row }
        for (key, value) in other.setup where setup[key] != value { setup["\(label) \(key)"] = value }
        warnings += other.warnings.map { "\(label) \($0)" }
    }

    /// The comparison section of the text report.
    func clusterComparisonText() -> String {
        var table = TextTable(headers: ["cluster vs one server", "one server", "cluster", "ratio", "target"], leftAligned: 1)
        for row in clusterComparison {
            table.rows.append([
                row.measure, BenchFormat.decimal(row.single), BenchFormat.decimal(row.cluster), "\(BenchFormat.decimal(row.ratio))×",
                row.target.map { "\($0) \(row.met == true ? "met" : "MISSED")" } ?? "",
            ])
        }
        return table.render()
    }
}
