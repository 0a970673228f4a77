import Histogram

/// Latency percentiles of one row, in microseconds.
public struct LatencySummary: Sendable, Codable, Equatable {
    /// Median.
    public var p50: Double
    /// 90th percentile.
    public var p90: Double
    /// 99th percentile.
    public var p99: Double
    /// 99.9th percentile.
    public var p999: Double
    /// Largest value seen.
    public var max: Double

    /// Creates a summary from values in microseconds.
    public init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.max = max
    }

    /// Summarises a histogram of nanosecond values; nil when it is empty.
    public init?(nanoseconds histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else { return nil }
        func micros(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1_000 }
        self.init(p50: micros(50), p90: micros(90), p99: micros(99), p999: micros(99.9), max: Double(histogram.max) / 1_000)
    }
}
