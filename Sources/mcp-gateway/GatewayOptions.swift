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

    @Option(parsing: .unconditional, help: "Accepted clock difference of ts_ms, in seconds, \(Bounds.text(Bounds.skew)) (env MCP_SKEW; default \(GatewayConfiguration.defaultSkew.components.seconds)).")
    var skew: Double?

    @Option(name: .customLong("body-limit"), parsing: .unconditional, help: "Largest request body in bytes, \(Bounds.text(Bounds.bodyLimit)) (env MCP_BODY_LIMIT; default \(GatewayConfiguration.defaultBodyLimit)).")
    var bodyLimit: Int?

    @Option(name: .customLong("sync-budget"), parsing: .unconditional, help: "Most seconds a sync call waits before answering accepted, \(Bounds.text(Bounds.syncBudget)) (env MCP_SYNC_BUDGET; default \(GatewayConfiguration.defaultSyncBudget.components.seconds)).")
    var syncBudget: Double?

    @Option(name: .customLong("retention"), parsing: .unconditional, help: "Seconds finished jobs (their hash and request record) stay pollable; Redis holds about rate × this many; \(Bounds.text(Bounds.retention)), and at least --skew (env MCP_RETENTION; default \(BrokerConfiguration.defaultRetention.components.seconds)).")
    var retention: Double?

    @Option(name: .customLong("max-backlog"), parsing: .unconditional, help: "Backlog of undelivered plus unacknowledged jobs at which new jobs get 429 overloaded: \(Bounds.text(Bounds.maxBacklog, zero: "off")) (env MCP_MAX_BACKLOG; default \(GatewayConfiguration.defaultMaxBacklog)).")
    var maxBacklog: Int?

    @Option(name: .customLong("client-rate"), parsing: .unconditional, help: "Requests per second one client may make through this gateway (/v1, /mcp and ingress together), a token bucket with a burst of twice that: \(Bounds.text(Bounds.clientRate, zero: "off")) (env MCP_CLIENT_RATE; default \(Int(GatewayConfiguration.defaultClientRate))).")
    var clientRate: Double?

    @Option(name: .customLong("gateway-id"), help: "This gateway's id, naming its reply stream: 1 to \(InstanceName.maxLength) characters from A-Z, a-z, 0-9, '-', '_' and '.' (env MCP_GATEWAY_ID; default random).")
    var gatewayID: String?

    @Option(help: "on or off: consume signed envelopes other services XADD to <prefix>:ingress (env MCP_INGRESS; default on).")
    var ingress: String?

    @Option(name: .customLong("inflight-body-limit"), parsing: .unconditional, help: "Envelope body bytes verified at once over all requests; past it, 429 overloaded at once (a parsed body is several times its size, and parsing precedes authentication). At least --body-limit, at most \(Bounds.inFlightBodyLimitMax) (env MCP_INFLIGHT_BODY_LIMIT; default \(GatewayConfiguration.defaultInFlightBodyLimit)).")
    var inFlightBodyLimit: Int?

    @Option(name: .customLong("ingress-producers"), help: "Comma-separated producer names, each with an ingress stream of its own, <prefix>:ingress:<name>, read beside the shared one; give each producer's Redis user only its own key (env MCP_INGRESS_PRODUCERS; default none).")
    var ingressProducers: String?

    @Option(name: .customLong("ingress-batch"), parsing: .unconditional, help: "Ingress entries read and handled at a time; bounds the memory one read can take to this many envelopes (a read that would bring more bytes, at most 64 MiB, is read entry by entry, and an entry larger than that is refused unread); \(Bounds.text(Bounds.ingressBatch)) (env MCP_INGRESS_BATCH; default \(GatewayConfiguration.defaultIngressBatch)).")
    var ingressBatch: Int?

    @Option(name: .customLong("ingress-lease"), parsing: .unconditional, help: "Seconds an ingress entry may stay unacknowledged before another gateway reclaims it, \(Bounds.text(Bounds.ingressLease)) (env MCP_INGRESS_LEASE; default \(GatewayConfiguration.defaultIngressLease.components.seconds)).")
    var ingressLease: Double?

    @Option(name: .customLong("public-url"), help: "The URL clients reach this deployment at, e.g. https://mcp.example.com: /mcp requests must sign @target-uri <public-url>/mcp (env MCP_PUBLIC_URL; default http://<listen address>).")
    var publicURL: String?

    @Option(name: .customLong("request-head-timeout"), parsing: .unconditional, help: "Seconds a connection may take to send a complete request head, from its opening or its previous response; also closes idle keep-alive connections; \(Bounds.text(Bounds.requestTimeout)) (env MCP_REQUEST_HEAD_TIMEOUT; default \(GatewayConfiguration.defaultRequestHeadTimeout.components.seconds)).")
    var requestHeadTimeout: Double?

    @Option(name: .customLong("request-body-timeout"), parsing: .unconditional, help: "Seconds a request body may take to arrive in full, from its head, \(Bounds.text(Bounds.requestTimeout)) (env MCP_REQUEST_BODY_TIMEOUT; default \(GatewayConfiguration.defaultRequestBodyTimeout.components.seconds)).")
    var requestBodyTimeout: Double?

    @Option(name: .customLong("max-connections"), parsing: .unconditional, help: "Connections served at once; more wait in the listen backlog; never more than the open-file limit leaves room for beside 128 kept for Redis and the process (the soft limit is raised toward the hard one as needed): \(Bounds.text(Bounds.maxConnections, zero: "no cap")) (env MCP_MAX_CONNECTIONS; default \(GatewayConfiguration.defaultMaxConnections)).")
    var maxConnections: Int?

    @Option(help: "local: answer once the primary has a job; replicated: once WAIT confirms a replica has it too, else 503 not_replicated (env MCP_DURABILITY; default local).")
    var durability: String?

    @Option(name: .customLong("replication-timeout"), parsing: .unconditional, help: "Seconds each WAIT of --durability replicated waits for a replica, \(Bounds.text(Bounds.replicationTimeout)); one WAIT confirms every job accepted before it, and a job accepted while one runs waits for the next: at most twice this (env MCP_REPLICATION_TIMEOUT; default 1).")
    var replicationTimeout: Double?

    @Option(name: .customLong("oauth-issuer"), help: "Accept OAuth 2.1 access tokens (JWT) on /mcp from this authorization server: a token's iss must equal it (env MCP_OAUTH_ISSUER; default none: no OAuth).")
    var oauthIssuer: String?

    @Option(name: .customLong("oauth-jwks"), help: "The issuer's signing keys: file:PATH, an https:// URL, or http:// on a loopback host (env MCP_OAUTH_JWKS; default jwks_uri from the issuer's metadata).")
    var oauthJWKS: String?

    @Option(name: .customLong("oauth-resource"), help: "This server's resource URL, which a token's aud must contain (RFC 8707) (env MCP_OAUTH_RESOURCE; default <public URL>/mcp).")
    var oauthResource: String?

    @Option(name: .customLong("oauth-client-claim"), help: "The token claim that names the client: client_id, azp or sub (env MCP_OAUTH_CLIENT_CLAIM; default client_id).")
    var oauthClientClaim: String?

    @Option(name: .customLong("oauth-unlisted-clients"), help: "Tokens whose client is not in the key ring: deny, or scopes (a client of its own with the tools its scopes grant) (env MCP_OAUTH_UNLISTED_CLIENTS; default deny).")
    var oauthUnlistedClients: String?

    @Option(name: .customLong("oauth-leeway"), parsing: .unconditional, help: "Seconds of clock tolerance for a token's exp, nbf, iat and a DPoP proof's iat: \(Bounds.text(Bounds.oauthLeeway, zero: "none")) (env MCP_OAUTH_LEEWAY; default \(OAuthConfiguration.defaultLeeway.components.seconds)).")
    var oauthLeeway: Double?

    @Option(name: .customLong("oauth-key-refresh"), parsing: .unconditional, help: "Shortest seconds between two reloads of the issuer's keys when a token names an unknown kid: \(Bounds.text(Bounds.oauthKeyRefresh, zero: "no minimum")) (env MCP_OAUTH_KEY_REFRESH; default \(OAuthConfiguration.defaultKeyRefreshInterval.components.seconds)).")
    var oauthKeyRefresh: Double?

    /// The OAuth settings, or `nil` when no issuer is configured (the other OAuth options then must be unset).
    func oauthConfiguration() throws -> OAuthConfiguration? {
        guard let issuer = EnvironmentDefault.optionalString(oauthIssuer, "MCP_OAUTH_ISSUER") else {
            let stray = [("--oauth-jwks", oauthJWKS, "MCP_OAUTH_JWKS"), ("--oauth-resource", oauthResource, "MCP_OAUTH_RESOURCE")]
                .filter { EnvironmentDefault.optionalString($0.1, $0.2) != nil }.map(\.0)
            guard stray.isEmpty else { throw ConfigurationError("\(stray.joined(separator: ", ")) need --oauth-issuer (MCP_OAUTH_ISSUER)") }
            return nil
        }
        guard issuer.hasPrefix("https://") || issuer.hasPrefix("http://") else {
            throw ConfigurationError("--oauth-issuer / MCP_OAUTH_ISSUER \"\(issuer)\" must be the issuer's https:// URL")
        }
        var oauth = OAuthConfiguration(issuer: issuer)
        if let jwks = EnvironmentDefault.optionalString(oauthJWKS, "MCP_OAUTH_JWKS") {
            if !jwks.hasPrefix("file:"), let problem = OAuthConfiguration.jwksLocationProblem(jwks) {
                throw ConfigurationError("--oauth-jwks / MCP_OAUTH_JWKS \"\(jwks)\" \(problem)")
            }
            oauth.jwks = jwks
        } else if let problem = OAuthConfiguration.jwksLocationProblem(issuer) {
            throw ConfigurationError("--oauth-issuer \"\(issuer)\" \(problem) (its metadata and keys are fetched from it); or pass --oauth-jwks file:PATH")
        }
        oauth.resource = EnvironmentDefault.optionalString(oauthResource, "MCP_OAUTH_RESOURCE")
        let claim = EnvironmentDefault.string(oauthClientClaim, "MCP_OAUTH_CLIENT_CLAIM", OAuthConfiguration.ClientClaim.clientID.rawValue)
        guard let clientClaim = OAuthConfiguration.ClientClaim(rawValue: claim) else {
            throw ConfigurationError("--oauth-client-claim / MCP_OAUTH_CLIENT_CLAIM \"\(claim)\" must be client_id, azp or sub")
        }
        oauth.clientClaim = clientClaim
        let unlisted = EnvironmentDefault.string(oauthUnlistedClients, "MCP_OAUTH_UNLISTED_CLIENTS", OAuthConfiguration.UnlistedClients.deny.rawValue)
        guard let policy = OAuthConfiguration.UnlistedClients(rawValue: unlisted) else {
            throw ConfigurationError("--oauth-unlisted-clients / MCP_OAUTH_UNLISTED_CLIENTS \"\(unlisted)\" must be deny or scopes")
        }
        oauth.unlistedClients = policy
        let limits = try self.limits()
        oauth.leeway = limits.oauthLeeway
        oauth.keyRefreshInterval = limits.oauthKeyRefresh
        return oauth
    }

    func configuration(common: CommonOptions) throws -> GatewayConfiguration {
        guard let path = EnvironmentDefault.optionalString(keys, "MCP_KEYS_FILE") else {
            throw ConfigurationError("no key ring: pass --keys FILE or set MCP_KEYS_FILE (mcpctl keygen prints a client entry)")
        }
        let keyRing = try KeyRing.load(path: path)
        let address = EnvironmentDefault.string(listen, "MCP_LISTEN", "\(GatewayConfiguration.defaultHost):\(GatewayConfiguration.defaultPort)")
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port) else {
            throw ConfigurationError("listen address \"\(address)\" must be host:port")
        }
        let limits = try self.limits()
        var broker = try common.brokerConfiguration()
        broker.retention = limits.retention
        let level = EnvironmentDefault.string(durability, "MCP_DURABILITY", Durability.local.rawValue)
        guard let chosen = Durability(rawValue: level) else {
            throw ConfigurationError("--durability / MCP_DURABILITY \"\(level)\" must be local or replicated")
        }
        broker.durability = chosen
        broker.replicationTimeout = limits.replicationTimeout
        broker.nonceTTL = max(broker.nonceTTL, BrokerConfiguration.minimumNonceTTL(skew: limits.skew))  // outlive the replay window
        var configuration = GatewayConfiguration(
            keyRing: keyRing, redis: try common.brokerConnection(),
            host: String(address[..<colon]), port: port, broker: broker,
            skew: limits.skew, bodyLimit: limits.bodyLimit, syncBudget: limits.syncBudget)
        if let id = limits.gatewayID { configuration.gatewayID = id }
        configuration.maxBacklog = limits.maxBacklog
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
        // Each producer stream is read on a blocking connection of its own.
        guard configuration.ingressProducers.count <= IngressProducer.maxPerGateway else {
            throw ConfigurationError(
                "\(configuration.ingressProducers.count) ingress producers; at most \(IngressProducer.maxPerGateway) (each holds a Redis connection "
                    + "of every gateway): give producers that trust each other one stream (--ingress-producers / MCP_INGRESS_PRODUCERS)")
        }
        configuration.inFlightBodyLimit = limits.inFlightBodyLimit
        configuration.ingressBatch = limits.ingressBatch
        configuration.ingressLease = limits.ingressLease
        configuration.clientRate = limits.clientRate
        if let url = EnvironmentDefault.optionalString(publicURL, "MCP_PUBLIC_URL") {
            guard PublicOrigin(url: url) != nil else {
                throw ConfigurationError("public URL \"\(url)\" must be http(s)://host[:port] with no path (--public-url / MCP_PUBLIC_URL)")
            }
            configuration.publicURL = url
        }
        configuration.requestHeadTimeout = limits.requestHeadTimeout
        configuration.requestBodyTimeout = limits.requestBodyTimeout
        configuration.oauth = try oauthConfiguration()
        configuration.maxConnections = limits.maxConnections
        return configuration
    }
}
