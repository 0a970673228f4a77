import Logging
import RedisClient

extension Broker {
    /// Creates a broker with a shared, pipelining connection of its own to `connection`.
    public convenience init(
        connection: BrokerConnection, configuration: BrokerConfiguration = BrokerConfiguration(), logger: Logger = Logger(label: "mcp.broker")
    ) {
        self.init(redis: RedisClient(configuration: connection.redis, logger: logger), configuration: configuration, logger: logger)
    }

    /// A new connection for blocking reads, to the same store with the same
    /// settings (`commandTimeout`, when given, replaces the round-trip timeout).
    public func makeReader(commandTimeout: Duration? = nil, replyByteLimit: Int? = nil) -> BrokerReader {
        var settings = redis.configuration
        if let commandTimeout { settings.commandTimeout = commandTimeout }
        if let replyByteLimit { settings.replyByteLimit = replyByteLimit }
        return BrokerReader(RedisClient(configuration: settings, logger: logger))
    }
}
