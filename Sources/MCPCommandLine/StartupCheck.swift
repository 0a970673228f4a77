import Metrics

/// A start-up check of the Redis a process runs on (its eviction policy, its user's rights),
/// exported as the gauge `mcp_redis_setup_problem{check}`: 1 while the check found a problem,
/// 0 when it passed, absent when it could not ask. The problem is logged once at start; the gauge
/// lets an alert (`mcp_redis_setup_problem == 1`, docs/operations.md) see it for as long as the
/// process runs.
public enum StartupCheck: String, Sendable, CaseIterable {
    /// `maxmemory-policy` of a node that holds a partition may evict keys (`Broker.checkEviction`).
    case eviction
    /// The worker's Redis user may not `PEXPIRE` request records (`Broker.checkRecordExpiry`).
    case recordExpiry = "record_expiry"

    /// The gauge's name.
    public static let metricName = "mcp_redis_setup_problem"

    /// Records the check's verdict: `true` a problem, `false` none, `nil` not checked (nothing recorded).
    public func record(problem: Bool?) {
        guard let problem else { return }
        Gauge(label: Self.metricName, dimensions: [("check", rawValue)]).record(problem ? 1 : 0)
    }
}
