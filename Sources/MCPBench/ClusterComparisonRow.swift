/// One figure of a `--cluster` run measured on one Redis server and on the cluster, in the same run.
public struct ClusterComparisonRow: Sendable, Codable, Equatable {
    /// What is compared, e.g. `redis CPU/job, async noop (e2e)`.
    public var measure: String
    /// The figure on one server.
    public var single: Double
    /// The figure on the cluster (every primary's counters summed).
    public var cluster: Double
    /// The target for `cluster / single`, when it sets one (e.g. `≤1.30×`).
    public var target: String?
    /// Whether the target was met.
    public var met: Bool?

    /// `cluster / single` (0 when the single figure is 0).
    public var ratio: Double { single > 0 ? cluster / single : 0 }

    /// Creates a row; `limit` is the highest ratio that meets the target, if there is one.
    public init(measure: String, single: Double, cluster: Double, limit: Double? = nil) {
        self.measure = measure
        self.single = single
        self.cluster = cluster
        if let limit {
            target = "≤\(BenchFormat.decimal(limit))×"
            met = single > 0 && cluster / single <= limit
        }
    }
}
