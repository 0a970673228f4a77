import MCPBroker
import MCPCommandLine
import MCPWorker

/// The accepted range of each numeric worker option, and their checked values.
/// `validate()` resolves them all (flag, else `MCP_…` variable, else default), so
/// an absurd value stops the process before it starts, naming the option.
extension WorkerOptions {
    /// Accepted ranges, in seconds for durations; shown in `--help` and so in docs/configuration.md.
    enum Bounds {
        /// Each running job is a task holding its envelope (at most the gateway's body limit).
        static let concurrency: ClosedRange<Int> = 1...10_000
        /// 0 leaves in-flight jobs to other workers at once; at most 1 h.
        static let grace: ClosedRange<Double> = 0...3_600
        /// At least 1 s (Redis refuses PX 0: results would vanish at completion); at most 30 days.
        static let retention: ClosedRange<Double> = 1...(30 * 86_400)
        /// Leases are renewed every third of the lease, checked every 250 ms (the cancel check):
        /// below 1 s a renewal can come too late and live workers steal each other's jobs; at most 1 day.
        static let lease: ClosedRange<Double> = 1...86_400
        /// Deliveries before dead-lettering.
        static let maxDeliveries: ClosedRange<Int> = 1...1_000
        /// Tool threads.
        static let toolThreads: ClosedRange<Int> = 1...1_024

        /// "1 to 86400", or "0 (…) or 1 to 3600", as help texts show a range.
        static func text(_ range: ClosedRange<Double>, zero: String? = nil) -> String {
            OptionRange.accepted(OptionRange.format(range.lowerBound), OptionRange.format(range.upperBound), zero: zero, unit: "")
        }

        /// ``text(_:zero:)`` for an integer range.
        static func text(_ range: ClosedRange<Int>, zero: String? = nil) -> String {
            OptionRange.accepted(String(range.lowerBound), String(range.upperBound), zero: zero, unit: "")
        }
    }

    /// Every numeric and id setting of the worker, resolved and checked.
    struct Limits {
        var concurrency: Int
        var grace: Duration
        var retention: Duration
        var lease: Duration
        var maxDeliveries: Int
        var toolThreads: Int?
        var workerID: String?
    }

    /// Refuses to start on any setting out of its range (swift-argument-parser calls this after parsing).
    func validate() throws {
        _ = try limits()
    }

    /// The checked settings.
    func limits() throws -> Limits {
        let threadsGiven = toolThreads != nil || EnvironmentDefault.optionalString(nil, "MCP_TOOL_THREADS") != nil
        return Limits(
            concurrency: try EnvironmentDefault.int(concurrency, "--concurrency", "MCP_CONCURRENCY", WorkerConfiguration.defaultConcurrency, in: Bounds.concurrency),
            grace: try EnvironmentDefault.seconds(grace, "--grace", "MCP_GRACE", WorkerConfiguration.defaultGrace, in: Bounds.grace),
            retention: try EnvironmentDefault.seconds(retention, "--retention", "MCP_RETENTION", BrokerConfiguration.defaultRetention, in: Bounds.retention),
            lease: try EnvironmentDefault.seconds(lease, "--lease", "MCP_LEASE", WorkerConfiguration.defaultLease, in: Bounds.lease),
            maxDeliveries: try EnvironmentDefault.int(
                maxDeliveries, "--max-deliveries", "MCP_MAX_DELIVERIES", WorkerConfiguration.defaultMaxDeliveries, in: Bounds.maxDeliveries),
            toolThreads: threadsGiven ? try EnvironmentDefault.int(toolThreads, "--tool-threads", "MCP_TOOL_THREADS", 1, in: Bounds.toolThreads) : nil,
            workerID: try EnvironmentDefault.instanceName(workerID, "--worker-id", "MCP_WORKER_ID"))
    }
}
