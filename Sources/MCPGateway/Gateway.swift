import Hummingbird
import HummingbirdCore
import Logging
import MCPBroker
import MCPWire
import NIOCore
import ServiceLifecycle

/// The gateway process as a library: a Hummingbird application plus the
/// services it needs (reply reader, catalog cache, backlog monitor, ingress
/// consumer), in one `ServiceGroup`.
public enum Gateway {
    /// Builds the gateway as one service: run it in a `ServiceGroup` that turns
    /// SIGTERM/SIGINT into graceful shutdown. When shutdown begins, every
    /// request waiting for a job is answered at once (as after its budget), so
    /// the HTTP server's wait for in-flight requests is short.
    public static func makeService(configuration: GatewayConfiguration, logger: Logger) -> some Service {
        let (application, replies) = build(configuration: configuration, logger: logger)
        return GatewayService(application: application, replies: replies)
    }

    /// Builds the application; run it with `runService()` (SIGTERM/SIGINT shut it down gracefully).
    /// ``makeService(configuration:logger:)`` also wakes waiting requests when shutdown begins.
    public static func makeApplication(configuration: GatewayConfiguration, logger: Logger) -> some ApplicationProtocol {
        build(configuration: configuration, logger: logger).application
    }

    private static func build(configuration: GatewayConfiguration, logger: Logger) -> (application: some ApplicationProtocol, replies: ReplyListener) {
        let broker = Broker(connection: configuration.redis, configuration: configuration.broker, logger: logger)
        let reader = broker.makeReader(commandTimeout: .seconds(2))
        let catalog = ToolCatalogCache(broker: broker, interval: configuration.catalogRefresh, logger: logger)
        let replies = ReplyListener(gatewayID: configuration.gatewayID, broker: broker, reader: reader, logger: logger)
        let backlog = BacklogMonitor(
            broker: broker, limit: configuration.maxBacklog,
            gaugeInterval: configuration.metricsExposition == nil ? nil : .seconds(2), logger: logger)
        // One budget per client, whichever door its requests come in by (/v1, /mcp, ingress).
        let rateLimiter = ClientRateLimiter(ratePerSecond: configuration.clientRate, burst: configuration.clientBurst)
        let handler = EnvelopeHandler(
            configuration: configuration, broker: broker, catalog: catalog, replies: replies, backlog: backlog,
            rateLimiter: rateLimiter, logger: logger)

        var services: [any Service] = [replies, catalog, backlog]
        let ingressHealth = IngressHealth()
        if configuration.ingress {
            // The shared stream and each producer's own: one consumer, with its own blocking connection, per stream.
            for producer in [nil] + configuration.ingressProducers.map(Optional.some) {
                let ingressReader = broker.makeReader(commandTimeout: .seconds(2), replyByteLimit: configuration.ingressReplyByteLimit)
                services.append(IngressConsumer(
                    handler: handler, broker: broker, reader: ingressReader, producer: producer, producers: configuration.ingressProducers,
                    backlog: backlog, health: ingressHealth, consumer: configuration.gatewayID,
                    batch: configuration.ingressBatch, lease: configuration.ingressLease, logger: logger))
            }
        }

        let router = Router()
        GatewayRoutes(handler: handler, broker: broker, catalog: catalog, ingress: ingressHealth, bodyLimit: configuration.bodyLimit).register(on: router)
        let mcp = MCPHandler(
            configuration: configuration, broker: broker, catalog: catalog, replies: replies, backlog: backlog,
            rateLimiter: rateLimiter, logger: logger)
        MCPRoutes(
            handler: mcp, signer: MCPResponseSigner(serverID: configuration.keyRing.serverID, key: configuration.keyRing.serverKey),
            bodyLimit: configuration.bodyLimit
        ).register(on: router)
        if let render = configuration.metricsExposition { MetricsRoute(render: render).register(on: router) }
        let application = Application(
            router: router,
            server: connectionGuarded(configuration),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "mcp-gateway",
                availableConnectionsDelegate: configuration.maxConnections > 0 ? MaximumAvailableConnections(configuration.maxConnections, logger: logger) : nil),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                mcp.serve(at: PublicOrigin(listeningHost: configuration.host, port: port))
                if configuration.oauth != nil { await mcp.loadIssuerKeys() }
                if configuration.publicURL == nil, ["0.0.0.0", "::", "[::]", ""].contains(configuration.host) {
                    logger.warning("listening on every interface without --public-url: /mcp checks signatures against http://\(configuration.host):\(port)/mcp, which no client signs; set --public-url (MCP_PUBLIC_URL) to the URL clients use")
                }
                logger.info("mcp-gateway listening", metadata: [
                    "address": "\(channel.localAddress?.description ?? "?")",
                    "server.id": "\(configuration.keyRing.serverID)", "gateway.id": "\(configuration.gatewayID)",
                    "mcp.origin": "\(configuration.publicURL ?? PublicOrigin(listeningHost: configuration.host, port: port).description)",
                ])
            },
            logger: logger)
        return (application, replies)
    }

    /// HTTP/1 with one ``ConnectionGuard`` per connection: head and body deadlines, the bounded
    /// drain after an early answer (8 × the body limit, at least 1 MiB), and `100 Continue`
    /// for a head that expects it (Hummingbird 2 has no option for it).
    private static func connectionGuarded(_ configuration: GatewayConfiguration) -> HTTPServerBuilder {
        let head = configuration.requestHeadTimeout
        let body = configuration.requestBodyTimeout
        let drain = configuration.bodyLimit.multipliedReportingOverflow(by: 8)
        let drainLimit = drain.overflow ? Int.max : max(drain.partialValue, 1 << 20)
        return .http1(configuration: HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuard(
                headTimeout: head, bodyTimeout: body, drainLimit: drainLimit, continueLimit: configuration.bodyLimit)]))
    }
}
