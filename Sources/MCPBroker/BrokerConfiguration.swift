import MCPTools

/// Settings of the Redis contract shared by gateways and workers. Defaults
/// follow DESIGN §4 and §6; every process of one deployment must agree on `prefix`.
public struct BrokerConfiguration: Sendable {
    /// Prefix of every key (`mcp` → `mcp:{0}:stream`). Default `mcp`.
    public var prefix: String
    /// The default key prefix, `mcp`.
    public static let defaultPrefix = "mcp"
    /// How long finished job hashes and idempotency records live. Default ``defaultRetention`` (1 h).
    public var retention: Duration
    /// How long a nonce is remembered; at least ``minimumNonceTTL(skew:)``. Default 10 min.
    public var nonceTTL: Duration
    /// Approximate cap on each gateway's reply stream. Its one reader consumes entries
    /// as they arrive, so the cap only has to cover a burst of completions. Default 1 000 entries.
    public var replyStreamMaxLength: Int
    /// How long a reply stream outlives its last write (a gateway that died leaves nothing behind). Default 5 min.
    public var replyStreamTTL: Duration
    /// Approximate cap on each producer's results stream (``ResultsStream``). A producer
    /// may enqueue a large batch before it reads, so the cap covers one. Default 100 000 entries.
    public var resultsStreamMaxLength: Int
    /// How long a results stream outlives its last write. Default 1 h.
    public var resultsStreamTTL: Duration
    /// How long a worker counts as live after its last heartbeat. Default 10 s.
    public var heartbeatTTL: Duration
    /// Approximate cap on the dead-letter stream (each partition's). Default 10 000 entries.
    public var deadStreamMaxLength: Int
    /// When an accepted job counts as stored (DESIGN §10). Default ``Durability/local``.
    public var durability: Durability = .local
    /// How long each `WAIT` of `replicated` waits for a replica (``ReplicationBarrier``: a job accepted
    /// while a round runs waits for the next, so at most twice this before 503 `not_replicated`). Default 1 s.
    public var replicationTimeout: Duration = .seconds(1)
    /// How many partitions jobs spread over (DESIGN §10); fixed for a deployment
    /// and recorded in Redis. Default 1: the single-node layout of §4.
    public var partitioning: Partitioning = .single

    /// Creates a configuration with the documented defaults.
    public init(
        prefix: String = Self.defaultPrefix,
        retention: Duration = BrokerConfiguration.defaultRetention,
        nonceTTL: Duration = .seconds(600),
        replyStreamMaxLength: Int = 1_000,
        replyStreamTTL: Duration = .seconds(300),
        resultsStreamMaxLength: Int = 100_000,
        resultsStreamTTL: Duration = .seconds(3600),
        heartbeatTTL: Duration = .seconds(10),
        deadStreamMaxLength: Int = 10_000
    ) {
        self.prefix = prefix
        self.retention = retention
        self.nonceTTL = nonceTTL
        self.replyStreamMaxLength = replyStreamMaxLength
        self.replyStreamTTL = replyStreamTTL
        self.resultsStreamMaxLength = resultsStreamMaxLength
        self.resultsStreamTTL = resultsStreamTTL
        self.heartbeatTTL = heartbeatTTL
        self.deadStreamMaxLength = deadStreamMaxLength
    }
}

extension BrokerConfiguration {
    /// The retention in whole milliseconds (the TTL of finished jobs and MCP tasks).
    public var retentionMillis: Int64 { retention.wholeMilliseconds }

    /// The shortest nonce TTL that is safe for a skew window: an envelope stays
    /// acceptable for up to 2 × skew after its nonce is first seen, plus a
    /// margin for clock differences between gateways and Redis's expiry.
    public static func minimumNonceTTL(skew: Duration) -> Duration {
        skew * 2 + nonceTTLMargin
    }

    /// The margin of ``minimumNonceTTL(skew:)``: 60 s.
    public static let nonceTTLMargin = Duration.seconds(60)

    /// How long finished jobs stay pollable by default: 1 hour. Every finished
    /// job keeps its hash and its idempotency record this long, so Redis holds
    /// about rate × retention of them (docs/performance.md, "Redis memory").
    public static let defaultRetention = Duration.seconds(3600)
}
