import MCPBroker
import MCPWire

/// Everything a gateway needs to run, with documented defaults (DESIGN §3, §7).
public struct GatewayConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`.
    public var host: String
    /// The port to listen on. Default 8080.
    public var port: Int
    /// The key ring: this deployment's server id and secret, and the clients.
    public var keyRing: KeyRing
    /// How to reach Redis.
    public var redis: BrokerConnection
    /// Redis key names and retention.
    public var broker: BrokerConfiguration
    /// How far a request's `ts_ms` may be from the gateway's clock. Default 300 s.
    public var skew: Duration
    /// The largest request body accepted. Default 1 MiB.
    public var bodyLimit: Int
    /// The most a sync call waits for its result before answering `accepted`;
    /// a tool's own budget is used when smaller. Default 2 s.
    public var syncBudget: Duration
    /// How often the gateway re-reads the tool catalog from Redis. Default 2 s.
    public var catalogRefresh: Duration
    /// This gateway's id (its reply stream's name). Default: random.
    public var gatewayID: String
    /// Backlog (undelivered + unacknowledged jobs) at which new submissions get
    /// 429 `overloaded`; 0 turns backpressure off. Default 100 000.
    public var maxBacklog: Int
    /// How long `/mcp` waits for a plain `tools/call` or a `tasks/result` before giving up. Default 60 s.
    public var mcpCallWait: Duration
    /// Renders this process's metrics in the Prometheus text format for
    /// `GET /metrics`; `nil` (the default) serves no `/metrics`. Bootstrap
    /// `MetricsSystem` before building the gateway, or its metrics go nowhere.
    public var metricsExposition: (@Sendable () -> [UInt8])? = nil
    /// The URL clients reach this deployment's `/mcp` at (`https://mcp.example.com`):
    /// a request's signed `@target-uri` must be this origin followed by `/mcp`.
    /// `nil` (the default) means `http://<host>:<port>` of the address the gateway
    /// listens on, once bound. Set it whenever clients come through a proxy, a
    /// load balancer or a DNS name (and when listening on `0.0.0.0`).
    public var publicURL: String? = nil
    /// How `/mcp` accepts OAuth 2.1 access tokens; `nil` (the default) accepts
    /// none (signatures and the key ring's API keys still work).
    public var oauth: OAuthConfiguration? = nil
    /// How long a connection may take to deliver a complete request head, counted
    /// from its opening or from the end of its previous response (so it also
    /// closes idle keep-alive connections). Default 30 s.
    public var requestHeadTimeout: Duration = Self.defaultRequestHeadTimeout
    /// How long a request body may take to arrive in full, counted from its head. Default 60 s.
    public var requestBodyTimeout: Duration = Self.defaultRequestBodyTimeout
    /// Connections served at once; beyond it new connections wait in the listen
    /// backlog until one closes. 0 turns the cap off. Default 1024.
    public var maxConnections: Int = Self.defaultMaxConnections
    /// Whether this gateway consumes the ingress stream (`mcp:ingress`). Default on.
    public var ingress: Bool
    /// Envelope body bytes verified and handled at once, over all requests and
    /// ingress entries (raised to ``bodyLimit`` when lower). Parsing comes before
    /// authentication and a parsed tree is several times its body, so this bounds
    /// what unauthenticated bodies can take together. Default 16 MiB.
    public var inFlightBodyLimit: Int = Self.defaultInFlightBodyLimit
    /// Producers with an ingress stream of their own (`<prefix>:ingress:<name>`),
    /// read beside the shared one, each on a connection of its own. Default none.
    public var ingressProducers: [IngressProducer] = []
    /// Ingress entries read (and handled concurrently) at a time; one read holds
    /// at most this many envelopes in memory. Default 16.
    public var ingressBatch: Int

    /// The most bytes one read of an ingress stream may bring (or take once parsed): a batch of
    /// envelopes at the body limit with room for their fields, at most 64 MiB for a whole batch and
    /// at least one envelope's worth. A read that grows past it is not read (the ingress reader's
    /// Redis reply limit): its entries are read one at a time, and one that alone is larger (a
    /// producer wrote more than any envelope may be, or a million fields) is refused
    /// `payload_too_large` unread, so no producer can grow a gateway's memory without bound.
    public var ingressReplyByteLimit: Int {
        let perEntry = min(max(0, bodyLimit), 512 << 20) + 4096  // clamped: no product below can overflow
        let oneEntry = min(perEntry + 65_536, 512 << 20)
        return max(oneEntry, min(perEntry * min(max(1, ingressBatch), 100_000) + 65_536, 64 << 20))
    }

    /// How long an ingress entry may stay unacknowledged by its gateway before
    /// another gateway reclaims it (the first one died). Default 30 s.
    public var ingressLease: Duration
    /// Requests per second one client may make through this gateway (a token
    /// bucket; 0 = no limit). Bounds what one client can store in Redis: every
    /// request keeps a nonce for the replay window. Default 5 000.
    public var clientRate: Double
    /// Requests a client may make at once after being idle: 2 × ``clientRate``, at least 1.
    public var clientBurst: Double { max(1, clientRate * 2) }

    // MARK: The documented defaults, each in one place: the initializer, the
    // command-line options and docs/configuration.md (generated from --help) read them.

    /// Default listening host: loopback.
    public static let defaultHost = "127.0.0.1"
    /// Default listening port.
    public static let defaultPort = 8080
    /// Default accepted clock difference of `ts_ms`.
    public static let defaultSkew: Duration = .seconds(300)
    /// Default largest request body, in bytes (1 MiB).
    public static let defaultBodyLimit = 1 << 20
    /// Default longest wait of a sync call before it is answered `accepted`.
    public static let defaultSyncBudget: Duration = .seconds(2)
    /// Default backlog at which new jobs get 429 `overloaded`.
    public static let defaultMaxBacklog = 100_000
    /// Default requests per second per client.
    public static let defaultClientRate: Double = 5_000
    /// Default envelope bytes verified at once (16 MiB).
    public static let defaultInFlightBodyLimit = 16 << 20
    /// Default ingress entries read at a time.
    public static let defaultIngressBatch = 16
    /// Default ingress lease.
    public static let defaultIngressLease: Duration = .seconds(30)
    /// Default deadline for a complete request head.
    public static let defaultRequestHeadTimeout: Duration = .seconds(30)
    /// Default deadline for a complete request body.
    public static let defaultRequestBodyTimeout: Duration = .seconds(60)
    /// Default cap on connections served at once.
    public static let defaultMaxConnections = 1024

    /// Creates a configuration with the documented defaults.
    public init(
        keyRing: KeyRing,
        redis: BrokerConnection,
        host: String = Self.defaultHost,
        port: Int = Self.defaultPort,
        broker: BrokerConfiguration = BrokerConfiguration(),
        skew: Duration = Self.defaultSkew,
        bodyLimit: Int = Self.defaultBodyLimit,
        syncBudget: Duration = Self.defaultSyncBudget,
        catalogRefresh: Duration = .seconds(2),
        gatewayID: String = "gw-" + JobID.make().prefix(12),
        maxBacklog: Int = Self.defaultMaxBacklog,
        mcpCallWait: Duration = .seconds(60),
        ingress: Bool = true,
        ingressBatch: Int = Self.defaultIngressBatch,
        ingressLease: Duration = Self.defaultIngressLease,
        clientRate: Double = Self.defaultClientRate
    ) {
        self.keyRing = keyRing
        self.redis = redis
        self.host = host
        self.port = port
        self.broker = broker
        self.skew = skew
        self.bodyLimit = bodyLimit
        self.syncBudget = syncBudget
        self.catalogRefresh = catalogRefresh
        self.gatewayID = gatewayID
        self.maxBacklog = maxBacklog
        self.mcpCallWait = mcpCallWait
        self.ingress = ingress
        self.ingressBatch = ingressBatch
        self.ingressLease = ingressLease
        self.clientRate = clientRate
    }
}
