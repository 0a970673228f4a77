import ArgumentParser
import MCPBroker
import Logging
import MCPCommandLine
import MCPTools
import MCPWorker
import ServiceLifecycle
import UnixSignals

/// `mcp-worker`: runs tools for jobs on the Redis stream.
@main
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-worker", abstract: "Run MCPStreams tools for jobs read from the Redis stream.",
        version: MCPStreamsVersion.current)

    @OptionGroup var common: CommonOptions
    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var options: WorkerOptions

    func run() async throws {
        SignalMask.unblockTermination()
        let tasksRunOn = try runtime.installTaskExecutor()
        let logger = try common.bootstrapLogging(label: "mcp.worker")
        logger.info("swift tasks run on \(tasksRunOn)")
        // Metrics first: the group stops services in reverse order, so /metrics outlives the drain.
        var services = [any Service]()
        if let address = try options.metricsAddress() {
            services.append(MetricsServer.make(address: address, metrics: PrometheusMetrics.bootstrap(), process: "mcp-worker", logger: logger))
        }
        let configuration = try options.configuration(common: common)
        // Refuse to start when Redis lacks this build's function library and this user may not load it.
        try await Broker.prepareFunctions(connection: configuration.redis, logger: logger)
        try await Broker.checkPartitions(connection: configuration.redis, configuration: configuration.broker, logger: logger)
        // A Redis that may evict keys loses jobs and forgets nonces: said at start, as an error.
        StartupCheck.eviction.record(problem: await Broker.checkEviction(connection: configuration.redis, configuration: configuration.broker, logger: logger))
        // A user that may not end a request record's life would keep every record for ever: said at start, and in /metrics.
        StartupCheck.recordExpiry.record(
            problem: await Broker.checkRecordExpiry(connection: configuration.redis, configuration: configuration.broker, logger: logger))
        services.append(Worker(configuration: configuration, registry: options.registry, logger: logger))
        // SIGHUP drains as SIGTERM does, SIGUSR1 and SIGUSR2 are ignored (SignalWatcher); each is logged.
        let members = [SignalWatcher.configuration(logger: logger)] + services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        let group = ServiceGroup(configuration: .init(services: members, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
