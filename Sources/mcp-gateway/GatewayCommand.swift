import ArgumentParser
import MCPBroker
import Logging
import MCPCommandLine
import MCPGateway
import MCPWire
import ServiceLifecycle
import UnixSignals

/// `mcp-gateway`: verifies signed envelopes and publishes them as jobs.
@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-gateway",
        abstract: "Verify HMAC-signed mcp/0.1 envelopes and publish them as jobs on Redis Streams.",
        version: MCPStreamsVersion.current)

    @OptionGroup var common: CommonOptions
    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var options: GatewayOptions

    func run() async throws {
        SignalMask.unblockTermination()
        let tasksRunOn = try runtime.installTaskExecutor()
        let logger = try common.bootstrapLogging(label: "mcp.gateway")
        logger.info("swift tasks run on \(tasksRunOn)")
        var configuration = try options.configuration(common: common)
        // Connections inside the open-file limit: past it the process spins on accept and can be stopped (OpenFileLimit).
        let fit = try OpenFileLimit.fit(connections: configuration.maxConnections)
        if fit.lowered {
            logger.warning("the open-file limit leaves room for fewer connections than --max-connections: serving fewer", metadata: [
                "open_files.limit": "\(fit.limit)", "connections.asked": "\(configuration.maxConnections)", "connections.served": "\(fit.connections)",
            ])
        } else if configuration.maxConnections == 0 {
            logger.notice("--max-connections 0: connections capped by the open-file limit", metadata: [
                "open_files.limit": "\(fit.limit)", "connections.served": "\(fit.connections)",
            ])
        }
        configuration.maxConnections = fit.connections
        let metrics = PrometheusMetrics.bootstrap()  // before the gateway creates its metrics
        configuration.metricsExposition = { metrics.render() }
        // Refuse to start when Redis lacks this build's function library and this user may not load it.
        try await Broker.prepareFunctions(connection: configuration.redis, logger: logger)
        try await Broker.checkPartitions(connection: configuration.redis, configuration: configuration.broker, logger: logger)
        // A Redis that may evict keys loses jobs and forgets nonces: said at start, as an error.
        StartupCheck.eviction.record(problem: await Broker.checkEviction(connection: configuration.redis, configuration: configuration.broker, logger: logger))
        let gateway = Gateway.makeService(configuration: configuration, logger: logger)
        // SIGHUP drains as SIGTERM does, SIGUSR1 and SIGUSR2 are ignored (SignalWatcher); each is logged.
        let services = [SignalWatcher.configuration(logger: logger), .init(service: gateway)]
        try await ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
