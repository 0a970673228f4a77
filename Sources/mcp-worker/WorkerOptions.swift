import ArgumentParser
import MCPBroker
import MCPCommandLine
import MCPTools
import MCPWorker

/// The worker's own flags, each backed by an `MCP_…` variable.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Jobs this worker runs at once (env MCP_CONCURRENCY; default \(WorkerConfiguration.defaultConcurrency)).")
    var concurrency: Int?

    @Option(help: "Seconds in-flight jobs may finish after SIGTERM before they are left to other workers (env MCP_GRACE; default \(WorkerConfiguration.defaultGrace.components.seconds)).")
    var grace: Double?

    @Option(name: .customLong("retention"), help: "Seconds finished jobs (their hash and request record) stay pollable; Redis holds about rate × this many (env MCP_RETENTION; default \(BrokerConfiguration.defaultRetention.components.seconds)).")
    var retention: Double?

    @Option(help: "Seconds a running job's lease lasts without renewal before a live worker reclaims it (env MCP_LEASE; default \(WorkerConfiguration.defaultLease.components.seconds)).")
    var lease: Double?

    @Option(name: .customLong("max-deliveries"), help: "Deliveries after which a job that never finishes is dead-lettered (env MCP_MAX_DELIVERIES; default \(WorkerConfiguration.defaultMaxDeliveries)).")
    var maxDeliveries: Int?

    @Flag(name: .customLong("enable-test-tools"), help: "Also offer the `simulate` tool (fails, sleeps or succeeds on demand) to exercise retries and dead letters (env MCP_ENABLE_TEST_TOOLS=1).")
    var enableTestTools = false

    @Option(name: .customLong("metrics-listen"), help: "Serve Prometheus GET /metrics on this host:port (env MCP_METRICS_LISTEN; default off).")
    var metricsListen: String?

    @Option(name: .customLong("tool-threads"), help: "Threads that run tools, apart from the worker's own housekeeping; CPU-bound tools use at most this many cores (env MCP_TOOL_THREADS; default the number of cores).")
    var toolThreads: Int?

    @Option(name: .customLong("worker-id"), help: "Unique consumer name (env MCP_WORKER_ID; default host-pid-random).")
    var workerID: String?

    func configuration(common: CommonOptions) throws -> WorkerConfiguration {
        var broker = try common.brokerConfiguration()
        broker.retention = try EnvironmentDefault.seconds(retention, "MCP_RETENTION", BrokerConfiguration.defaultRetention)
        var configuration = WorkerConfiguration(
            redis: try common.brokerConnection(), broker: broker,
            concurrency: try EnvironmentDefault.int(concurrency, "MCP_CONCURRENCY", WorkerConfiguration.defaultConcurrency),
            grace: try EnvironmentDefault.seconds(grace, "MCP_GRACE", WorkerConfiguration.defaultGrace),
            lease: try EnvironmentDefault.seconds(lease, "MCP_LEASE", WorkerConfiguration.defaultLease),
            maxDeliveries: try EnvironmentDefault.int(maxDeliveries, "MCP_MAX_DELIVERIES", WorkerConfiguration.defaultMaxDeliveries))
        if let id = EnvironmentDefault.optionalString(workerID, "MCP_WORKER_ID") { configuration.workerID = id }
        let threads = try EnvironmentDefault.int(toolThreads, "MCP_TOOL_THREADS", configuration.toolThreads)
        guard (1...1024).contains(threads) else { throw ConfigurationError("--tool-threads / MCP_TOOL_THREADS must be between 1 and 1024") }
        configuration.toolThreads = threads
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
