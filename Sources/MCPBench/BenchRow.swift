/// One line of the report: what ran, how fast, how long it took, and how it compares.
public struct BenchRow: Sendable, Codable, Equatable {
    /// The scenario this row belongs to.
    public var scenario: Scenario
    /// Which variant of it (e.g. `closed c=32`, `open 1000/s`).
    public var variant: String
    /// Operations measured.
    public var count: Int
    /// Operations per second (nil when the row is about latency only).
    public var perSecond: Double?
    /// Latency percentiles, if measured.
    public var latency: LatencySummary?
    /// `perSecond` divided by the ceiling's accept rate.
    public var ofCeiling: Double?
    /// The generator's CPU time over the phase's wall time (1.0 = one core).
    public var generatorCPU: Double?
    /// The target from the issue, e.g. `≥ 20000/s`, and whether it was met.
    public var target: String?
    /// Whether `target` was met (nil when there is no target).
    public var met: Bool?
    /// Anything a reader needs to interpret the row.
    public var notes: String

    /// Creates a row.
    public init(
        scenario: Scenario, variant: String, count: Int, perSecond: Double? = nil, latency: LatencySummary? = nil,
        ofCeiling: Double? = nil, generatorCPU: Double? = nil, target: String? = nil, met: Bool? = nil, notes: String = ""
    ) {
        self.scenario = scenario
        self.variant = variant
        self.count = count
        self.perSecond = perSecond
        self.latency = latency
        self.ofCeiling = ofCeiling
        self.generatorCPU = generatorCPU
        self.target = target
        self.met = met
        self.notes = notes
    }
}
