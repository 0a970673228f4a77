import RedisClient

/// How a broker reaches its store: the parsed `redis://` or `unix://` URL and
/// the timeouts, with the Redis client's documented defaults. Gateway and
/// worker configurations hold this value and never see the client's own.
public struct BrokerConnection: Sendable {
    /// The Redis client's settings behind this value, for operator tools and tests.
    public var redis: RedisConfiguration

    /// Wraps Redis client settings.
    public init(redis: RedisConfiguration) {
        self.redis = redis
    }

    /// Parses a `redis://[user:pass@]host:port[/db]` or `unix:///path/redis.sock` URL;
    /// a malformed one throws a ``BrokerError/Code/configuration`` error that says what is wrong.
    public init(url: String) throws(BrokerError) {
        do {
            self.redis = try RedisConfiguration(url: url)
        } catch {
            throw BrokerError(error)
        }
    }

    /// How long a connection attempt may take. Default 1 s.
    public var connectTimeout: Duration {
        get { redis.connectTimeout }
        set { redis.connectTimeout = newValue }
    }

    /// How long a round trip may take before the caller gets a ``BrokerError/Code/timeout`` error
    /// (blocking reads add their own block time). Default 2 s.
    public var commandTimeout: Duration {
        get { redis.commandTimeout }
        set { redis.commandTimeout = newValue }
    }
}
