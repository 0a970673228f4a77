/// How a ``RedisClient`` connects, times out and reconnects. Every value has a
/// documented default that suits a gateway or worker on the same network as Redis.
public struct RedisConfiguration: Sendable {
    /// The server to talk to.
    public var endpoint: RedisEndpoint
    /// How long a connection attempt may take. Default 1 s.
    public var connectTimeout: Duration
    /// How long a round trip may take before the caller gets a `timeout` error
    /// (blocking commands add their own `BLOCK` time). Default 2 s.
    public var commandTimeout: Duration
    /// First wait after a failed connection before trying again. Default 50 ms.
    public var reconnectInitialBackoff: Duration
    /// The longest wait between reconnection attempts (the wait doubles up to this). Default 2 s.
    public var reconnectMaxBackoff: Duration
    /// Most commands written in one pipelined round trip; larger batches are split. Default 512.
    public var maxPipelineDepth: Int
    /// The longest a round trip's replies may take while bytes keep arriving fast enough to count as
    /// progress (``minimumReplyRate``); blocking commands add their own `BLOCK` time.
    /// Default nil: 10 × ``commandTimeout`` (20 s), where the largest reply this system reads
    /// (64 MiB) needs 3.2 MiB/s, a fraction of any LAN.
    public var replyTimeLimit: Duration? = nil
    /// The slowest a reply may arrive and still count as progress, in bytes per second: bytes read
    /// (or written) extend a round trip's ``commandTimeout`` only once `minimumReplyRate ×
    /// commandTimeout` of them came (256 KiB with the default timeout), so a reply must bring that
    /// much in every command timeout. A server that trickles a reply (a byte now and then, a broken
    /// or hostile one) fails its round trip with `timeout` after about one command timeout, as a
    /// silent one does, instead of holding every command queued behind it. Default 128 KiB/s,
    /// far below any working network (a 100 Mbit/s link brings 12 MiB/s).
    public var minimumReplyRate: Int = 128 << 10
    /// The most bytes one reply may take, on the wire and once parsed (its strings' bytes plus 160 per
    /// element, so a million empty fields count as the memory they take): a reply that grows past it
    /// ends its connection with a `reply_too_large` error for every command waiting on it (the next
    /// command reconnects), so a huge value in Redis (a producer's 500 MB ingress entry, or one with a
    /// million fields) or a hostile server cannot grow a process's memory without bound. Default
    /// 512 MiB, Redis's own largest bulk string (`proto-max-bulk-len`); a reader that knows its
    /// replies sets less.
    public var replyByteLimit: Int = 512 << 20
    /// Redis Cluster only: how many times one command is sent before the client gives up on
    /// redirections and `TRYAGAIN`/`CLUSTERDOWN`/`LOADING`/`READONLY`/`NOREPLICAS` answers
    /// and throws a `connection` error, as in an outage. Default 8.
    public var clusterMaxAttempts: Int = 8
    /// Redis Cluster only: the first wait before resending after a retryable answer; it doubles, with jitter. Default 10 ms.
    public var clusterRetryInitialBackoff: Duration = .milliseconds(10)
    /// Redis Cluster only: the longest wait between two resends. Default 400 ms.
    public var clusterRetryMaxBackoff: Duration = .milliseconds(400)
    /// Hears what a subscribed connection receives unasked (``RedisPush``): set it only on
    /// a client that sends nothing but `SSUBSCRIBE` and `PING`, which then keeps all its
    /// commands on one connection. Default nil: every reply answers a command.
    public var onPush: (@Sendable (RedisPush) -> Void)? = nil

    /// Creates a configuration with the documented defaults.
    public init(
        endpoint: RedisEndpoint,
        connectTimeout: Duration = .seconds(1),
        commandTimeout: Duration = .seconds(2),
        reconnectInitialBackoff: Duration = .milliseconds(50),
        reconnectMaxBackoff: Duration = .seconds(2),
        maxPipelineDepth: Int = 512
    ) {
        self.endpoint = endpoint
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.reconnectInitialBackoff = reconnectInitialBackoff
        self.reconnectMaxBackoff = reconnectMaxBackoff
        self.maxPipelineDepth = max(1, maxPipelineDepth)
    }

    /// Creates a configuration from a `redis://`, `unix://` or `redis+cluster://` URL with the documented defaults.
    public init(url: String) throws(RedisError) {
        self.init(endpoint: try RedisEndpoint(url: url))
    }
}

extension Duration {
    /// Whole milliseconds, rounded down, at least 0.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
