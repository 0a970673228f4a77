import Hummingbird
import Logging
import MCPBroker
import RedisClient
import ServiceLifecycle

/// The gateway process as a library: a Hummingbird application plus the
/// services it needs (reply reader, catalog cache, backlog monitor, ingress
/// consumer), in one `ServiceGroup`.
public enum Gateway {
    /// Builds the application; run it with `runService()` (SIGTERM/SIGINT shut it down gracefully).
    public static func makeApplication(configuration: GatewayConfiguration, logger: Logger) -> some ApplicationProtocol {
        let shared = RedisClient(configuration: configuration.redis, logger: logger)
        var readerConfiguration = configuration.redis
        readerConfiguration.commandTimeout = .seconds(2)
        let reader = RedisClient(configuration: readerConfiguration, logger: logger)
        let broker = Broker(redis: shared, configuration: configuration.broker, logger: logger)
        let catalog = ToolCatalogCache(broker: broker, interval: configuration.catalogRefresh, logger: logger)
        let replies = ReplyListener(gatewayID: configuration.gatewayID, broker: broker, reader: reader, logger: logger)
        let backlog = BacklogMonitor(
            broker: broker, limit: configuration.maxBacklog,
            gaugeInterval: configuration.metricsExposition == nil ? nil : .seconds(2), logger: logger)
        let handler = EnvelopeHandler(
            configuration: configuration, broker: broker, catalog: catalog, replies: replies, backlog: backlog, logger: logger)

        var services: [any Service] = [replies, catalog, backlog]
        if configuration.ingress {
            let ingressReader = RedisClient(configuration: readerConfiguration, logger: logger)
            services.append(IngressConsumer(
                handler: handler, broker: broker, reader: ingressReader, backlog: backlog, consumer: configuration.gatewayID,
                batch: configuration.ingressBatch, lease: configuration.ingressLease, logger: logger))
        }

        let router = Router()
        GatewayRoutes(handler: handler, broker: broker, catalog: catalog, bodyLimit: configuration.bodyLimit).register(on: router)
        let mcp = MCPHandler(configuration: configuration, broker: broker, catalog: catalog, replies: replies, backlog: backlog, logger: logger)
        MCPRoutes(
            handler: mcp, signer: MCPResponseSigner(serverID: configuration.keyRing.serverID, key: configuration.keyRing.serverKey),
            bodyLimit: configuration.bodyLimit
        ).register(on: router)
        if let render = configuration.metricsExposition { MetricsRoute(render: render).register(on: router) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "mcp-gateway"),
            services: services,
            onServerRunning: { channel in
                logger.info("mcp-gateway listening", metadata: [
                    "address": "\(channel.localAddress?.description ?? "?")",
                    "server.id": "\(configuration.keyRing.serverID)", "gateway.id": "\(configuration.gatewayID)",
                ])
            },
            logger: logger)
    }
}
