import ArgumentParser
import MCPBroker
import MCPCommandLine
import MCPGateway
import MCPWire

/// The gateway's own flags (DESIGN §7), each backed by an `MCP_…` variable.
struct GatewayOptions: ParsableArguments {
    @Option(help: "Key ring JSON file: server id and secret, clients and their tools (env MCP_KEYS_FILE; required).")
    var keys: String?

    @Option(help: "HTTP address host:port (env MCP_LISTEN; default \(GatewayConfiguration.defaultHost):\(GatewayConfiguration.defaultPort)).")
    var listen: String?

    @Option(help: "Accepted clock difference of ts_ms, in seconds (env MCP_SKEW; default \(GatewayConfiguration.defaultSkew.components.seconds)).")
    var skew: Double?

    @Option(name: .customLong("body-limit"), help: "Largest request body in bytes (env MCP_BODY_LIMIT; default \(GatewayConfiguration.defaultBodyLimit)).")
    var bodyLimit: Int?

    @Option(name: .customLong("sync-budget"), help: "Most seconds a sync call waits before answering accepted (env MCP_SYNC_BUDGET; default \(GatewayConfiguration.defaultSyncBudget.components.seconds)).")
    var syncBudget: Double?

    @Option(name: .customLong("retention"), help: "Seconds finished jobs (their hash and request record) stay pollable; Redis holds about rate × this many (env MCP_RETENTION; default \(BrokerConfiguration.defaultRetention.components.seconds)).")
    var retention: Double?

    @Option(name: .customLong("max-backlog"), help: "Backlog of undelivered plus unacknowledged jobs at which new jobs get 429 overloaded; 0 turns it off (env MCP_MAX_BACKLOG; default \(GatewayConfiguration.defaultMaxBacklog)).")
    var maxBacklog: Int?

    @Option(name: .customLong("client-rate"), help: "Requests per second one client may make through this gateway (/v1, /mcp and ingress together), a token bucket with a burst of twice that; 0 turns it off (env MCP_CLIENT_RATE; default \(Int(GatewayConfiguration.defaultClientRate))).")
    var clientRate: Double?

    @Option(name: .customLong("gateway-id"), help: "This gateway's id, naming its reply stream (env MCP_GATEWAY_ID; default random).")
    var gatewayID: String?

    @Option(help: "on or off: consume signed envelopes other services XADD to <prefix>:ingress (env MCP_INGRESS; default on).")
    var ingress: String?

    @Option(name: .customLong("inflight-body-limit"), help: "Envelope body bytes verified at once over all requests; past it, 429 overloaded at once (a parsed body is several times its size, and parsing precedes authentication). At least --body-limit (env MCP_INFLIGHT_BODY_LIMIT; default \(GatewayConfiguration.defaultInFlightBodyLimit)).")
    var inFlightBodyLimit: Int?

    @Option(name: .customLong("ingress-producers"), help: "Comma-separated producer names, each with an ingress stream of its own, <prefix>:ingress:<name>, read beside the shared one; give each producer's Redis user only its own key (env MCP_INGRESS_PRODUCERS; default none).")
    var ingressProducers: String?

    @Option(name: .customLong("ingress-batch"), help: "Ingress entries read and handled at a time; bounds the memory one read can take to this many envelopes (env MCP_INGRESS_BATCH; default \(GatewayConfiguration.defaultIngressBatch)).")
    var ingressBatch: Int?

    @Option(name: .customLong("ingress-lease"), help: "Seconds an ingress entry may stay unacknowledged before another gateway reclaims it (env MCP_INGRESS_LEASE; default \(GatewayConfiguration.defaultIngressLease.components.seconds)).")
    var ingressLease: Double?

    @Option(name: .customLong("public-url"), help: "The URL clients reach this deployment at, e.g. https://mcp.example.com: /mcp requests must sign @target-uri <public-url>/mcp (env MCP_PUBLIC_URL; default http://<listen address>).")
    var publicURL: String?

    @Option(name: .customLong("request-head-timeout"), help: "Seconds a connection may take to send a complete request head, from its opening or its previous response; also closes idle keep-alive connections (env MCP_REQUEST_HEAD_TIMEOUT; default \(GatewayConfiguration.defaultRequestHeadTimeout.components.seconds)).")
    var requestHeadTimeout: Double?

    @Option(name: .customLong("request-body-timeout"), help: "Seconds a request body may take to arrive in full, from its head (env MCP_REQUEST_BODY_TIMEOUT; default \(GatewayConfiguration.defaultRequestBodyTimeout.components.seconds)).")
    var requestBodyTimeout: Double?

    @Option(name: .customLong("max-connections"), help: "Connections served at once; more wait in the listen backlog; 0 = no cap (env MCP_MAX_CONNECTIONS; default \(GatewayConfiguration.defaultMaxConnections)).")
    var maxConnections: Int?

    func configuration(common: CommonOptions) throws -> GatewayConfiguration {
        guard let path = EnvironmentDefault.optionalString(keys, "MCP_KEYS_FILE") else {
            throw ConfigurationError("no key ring: pass --keys FILE or set MCP_KEYS_FILE (mcpctl keygen prints a client entry)")
        }
        let keyRing = try KeyRing.load(path: path)
        let address = EnvironmentDefault.string(listen, "MCP_LISTEN", "\(GatewayConfiguration.defaultHost):\(GatewayConfiguration.defaultPort)")
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port) else {
            throw ConfigurationError("listen address \"\(address)\" must be host:port")
        }
        let skewDuration = try EnvironmentDefault.seconds(skew, "MCP_SKEW", GatewayConfiguration.defaultSkew)
        var broker = BrokerConfiguration(prefix: common.resolvedPrefix)
        broker.retention = try EnvironmentDefault.seconds(retention, "MCP_RETENTION", BrokerConfiguration.defaultRetention)
        broker.nonceTTL = max(broker.nonceTTL, BrokerConfiguration.minimumNonceTTL(skew: skewDuration))  // outlive the replay window
        var configuration = GatewayConfiguration(
            keyRing: keyRing, redis: try common.brokerConnection(),
            host: String(address[..<colon]), port: port, broker: broker,
            skew: skewDuration,
            bodyLimit: try EnvironmentDefault.int(bodyLimit, "MCP_BODY_LIMIT", GatewayConfiguration.defaultBodyLimit),
            syncBudget: try EnvironmentDefault.seconds(syncBudget, "MCP_SYNC_BUDGET", GatewayConfiguration.defaultSyncBudget))
        if let id = EnvironmentDefault.optionalString(gatewayID, "MCP_GATEWAY_ID") { configuration.gatewayID = id }
        configuration.maxBacklog = try EnvironmentDefault.int(maxBacklog, "MCP_MAX_BACKLOG", GatewayConfiguration.defaultMaxBacklog)
        switch EnvironmentDefault.string(ingress, "MCP_INGRESS", "on").lowercased() {
        case "on", "true", "1", "yes": configuration.ingress = true
        case "off", "false", "0", "no": configuration.ingress = false
        case let other: throw ConfigurationError("ingress \"\(other)\" must be on or off (--ingress / MCP_INGRESS)")
        }
        for name in EnvironmentDefault.string(ingressProducers, "MCP_INGRESS_PRODUCERS", "").split(separator: ",", omittingEmptySubsequences: true) {
            let name = String(name.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
            guard let producer = IngressProducer(name) else {
                throw ConfigurationError("ingress producer \"\(name)\" \(IngressProducer.problem(name) ?? "is not valid") (--ingress-producers / MCP_INGRESS_PRODUCERS)")
            }
            if !configuration.ingressProducers.contains(producer) { configuration.ingressProducers.append(producer) }
        }
        configuration.inFlightBodyLimit = try EnvironmentDefault.int(inFlightBodyLimit, "MCP_INFLIGHT_BODY_LIMIT", GatewayConfiguration.defaultInFlightBodyLimit)
        guard configuration.inFlightBodyLimit >= configuration.bodyLimit else {
            throw ConfigurationError("--inflight-body-limit / MCP_INFLIGHT_BODY_LIMIT (\(configuration.inFlightBodyLimit)) must be at least the body limit (\(configuration.bodyLimit))")
        }
        configuration.ingressBatch = try EnvironmentDefault.int(ingressBatch, "MCP_INGRESS_BATCH", GatewayConfiguration.defaultIngressBatch)
        guard configuration.ingressBatch > 0 else { throw ConfigurationError("--ingress-batch / MCP_INGRESS_BATCH must be at least 1") }
        configuration.ingressLease = try EnvironmentDefault.seconds(ingressLease, "MCP_INGRESS_LEASE", GatewayConfiguration.defaultIngressLease)
        let rate = try EnvironmentDefault.double(clientRate, "MCP_CLIENT_RATE", GatewayConfiguration.defaultClientRate)
        guard rate >= 0, rate.isFinite else { throw ConfigurationError("--client-rate / MCP_CLIENT_RATE must be 0 (off) or a positive number") }
        configuration.clientRate = rate
        if let url = EnvironmentDefault.optionalString(publicURL, "MCP_PUBLIC_URL") {
            guard PublicOrigin(url: url) != nil else {
                throw ConfigurationError("public URL \"\(url)\" must be http(s)://host[:port] with no path (--public-url / MCP_PUBLIC_URL)")
            }
            configuration.publicURL = url
        }
        configuration.requestHeadTimeout = try EnvironmentDefault.seconds(requestHeadTimeout, "MCP_REQUEST_HEAD_TIMEOUT", GatewayConfiguration.defaultRequestHeadTimeout)
        configuration.requestBodyTimeout = try EnvironmentDefault.seconds(requestBodyTimeout, "MCP_REQUEST_BODY_TIMEOUT", GatewayConfiguration.defaultRequestBodyTimeout)
        guard configuration.requestHeadTimeout > .zero, configuration.requestBodyTimeout > .zero else {
            throw ConfigurationError("--request-head-timeout and --request-body-timeout must be above 0 seconds")
        }
        configuration.maxConnections = try EnvironmentDefault.int(maxConnections, "MCP_MAX_CONNECTIONS", GatewayConfiguration.defaultMaxConnections)
        guard configuration.maxConnections >= 0 else { throw ConfigurationError("--max-connections / MCP_MAX_CONNECTIONS must be 0 or more") }
        return configuration
    }
}
