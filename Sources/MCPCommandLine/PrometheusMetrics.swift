import Metrics
import Prometheus

/// The process's metrics backend: swift-metrics bootstrapped once with a
/// Prometheus registry, rendered in the Prometheus text format for `/metrics`.
/// Libraries only use swift-metrics (`Counter`, `Timer`, `Gauge`); this is the
/// one place that knows about Prometheus.
public struct PrometheusMetrics: Sendable {
    /// Histogram bucket upper bounds for every `Timer`: 1 ms to 60 s, about
    /// 2.5× apart, so both a sub-millisecond accept and a long tool run land in
    /// a bucket that tells them apart.
    public static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    private let registry: PrometheusCollectorRegistry

    /// Bootstraps `MetricsSystem` with a Prometheus registry. Call it once per
    /// process, before any metric is created (swift-metrics traps on a second bootstrap).
    public static func bootstrap() -> PrometheusMetrics {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = latencyBuckets
        MetricsSystem.bootstrap(factory)
        return PrometheusMetrics(registry: registry)
    }

    /// Every metric in the Prometheus text exposition format.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
