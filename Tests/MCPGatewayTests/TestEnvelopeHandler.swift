import Logging
@testable import MCPGateway
import MCPBroker
import MCPWire
import RedisTestSupport

/// An envelope handler on a real Redis, with one client `c1` signing with `key`, as the gateway builds it.
func makeTestHandler(on server: RedisTestServer, key: [UInt8], prefix: String, configure: (inout GatewayConfiguration) -> Void = { _ in }) throws -> EnvelopeHandler {
    let logger = Logger(label: "test")
    let keyRing = KeyRing(serverID: "srv", serverSecret: Array("server".utf8), clients: [ClientEntry(id: "c1", secret: key)])
    var configuration = GatewayConfiguration(
        keyRing: keyRing, redis: try BrokerConnection(url: server.url), broker: BrokerConfiguration(prefix: RedisTestServer.uniquePrefix(prefix)))
    configure(&configuration)
    let broker = Broker(redis: try server.client(), configuration: configuration.broker, logger: logger)
    return EnvelopeHandler(
        configuration: configuration, broker: broker,
        catalog: ToolCatalogCache(broker: broker, interval: .seconds(60), logger: logger),
        replies: ReplyListener(gatewayID: "gw", broker: broker, reader: BrokerReader(try server.client()), logger: logger),
        backlog: BacklogMonitor(broker: broker, limit: 1000, gaugeInterval: nil, logger: logger),
        rateLimiter: ClientRateLimiter(ratePerSecond: 0, burst: 1), logger: logger)
}
