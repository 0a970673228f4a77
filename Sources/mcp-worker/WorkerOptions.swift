import ArgumentParser
import MCPBroker
import MCPCommandLine
import MCPTools
import MCPWorker

/// The worker's own flags, each backed by an `MCP_…` variable.
struct WorkerOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Jobs this worker runs at once, \(Bounds.text(Bounds.concurrency)) (env MCP_CONCURRENCY; default \(WorkerConfiguration.defaultConcurrency)).")
    var concurrency: Int?

    @Option(parsing: .unconditional, help: "Seconds in-flight jobs may finish after SIGTERM (or SIGHUP) before they are left to other workers, \(Bounds.text(Bounds.grace)); 0 leaves them at once (env MCP_GRACE; default \(WorkerConfiguration.defaultGrace.components.seconds)).")
    var grace: Double?

    @Option(name: .customLong("retention"), parsing: .unconditional, help: "Seconds finished jobs (their hash and request record) stay pollable; Redis holds about rate × this many; \(Bounds.text(Bounds.retention)) (env MCP_RETENTION; default \(BrokerConfiguration.defaultRetention.components.seconds)).")
    var retention: Double?

    @Option(parsing: .unconditional, help: "Seconds a running job's lease lasts without renewal before a live worker reclaims it, \(Bounds.text(Bounds.lease)); renewed every third of it (env MCP_LEASE; default \(WorkerConfiguration.defaultLease.components.seconds)).")
    var lease: Double?

    @Option(name: .customLong("max-deliveries"), parsing: .unconditional, help: "Deliveries after which a job that never finishes is dead-lettered, \(Bounds.text(Bounds.maxDeliveries)) (env MCP_MAX_DELIVERIES; default \(WorkerConfiguration.defaultMaxDeliveries)).")
    var maxDeliveries: Int?

    @Flag(name: .customLong("enable-test-tools"), help: "Also offer the `simulate` tool (fails, sleeps or succeeds on demand) to exercise retries and dead letters (env MCP_ENABLE_TEST_TOOLS=1).")
    var enableTestTools = false

    @Option(name: .customLong("metrics-listen"), help: "Serve Prometheus GET /metrics on this host:port (env MCP_METRICS_LISTEN; default off).")
    var metricsListen: String?

    @Option(name: .customLong("tool-threads"), parsing: .unconditional, help: "Threads that run tools, apart from the worker's own housekeeping; CPU-bound tools use at most this many cores; \(Bounds.text(Bounds.toolThreads)) (env MCP_TOOL_THREADS; default the number of cores).")
    var toolThreads: Int?

    @Option(name: .customLong("worker-id"), help: "Unique consumer name: 1 to \(InstanceName.maxLength) characters from A-Z, a-z, 0-9, '-', '_' and '.' (env MCP_WORKER_ID; default host-pid-random).")
    var workerID: String?

    func configuration(common: CommonOptions) throws -> WorkerConfiguration {
        let limits = try limits()
        var broker = try common.brokerConfiguration()
        broker.retention = limits.retention
        var configuration = WorkerConfiguration(
            redis: try common.brokerConnection(), broker: broker, concurrency: limits.concurrency,
            grace: limits.grace, lease: limits.lease, maxDeliveries: limits.maxDeliveries)
        if let id = limits.workerID { configuration.workerID = id }
        // The default, the number of cores, may exceed what a flag may ask for.
        if let threads = limits.toolThreads { configuration.toolThreads = threads }
        return configuration
    }

    /// Where to serve `/metrics`, if anywhere.
    func metricsAddress() throws -> ListenAddress? {
        try EnvironmentDefault.optionalString(metricsListen, "MCP_METRICS_LISTEN").map { try ListenAddress($0, flag: "--metrics-listen") }
    }

    /// The tools to offer: the built-in ones, plus `simulate` when asked.
    var registry: ToolRegistry {
        enableTestTools || EnvironmentDefault.optionalString(nil, "MCP_ENABLE_TEST_TOOLS") == "1" ? .testTools : .builtIn
    }
}
