import ArgumentParser
import Logging
import MCPBroker

/// Options every MCPStreams process shares: Redis, key prefix, logging.
public struct CommonOptions: ParsableArguments {
    @Option(help: "Redis URL: redis://[user:pass@]host:port[/db] or unix:///path/redis.sock (env MCP_REDIS_URL; default redis://127.0.0.1:6379/0).")
    public var redis: String?

    @Option(help: "Prefix of every Redis key; all processes of a deployment must agree (env MCP_PREFIX; default \(BrokerConfiguration.defaultPrefix)).")
    public var prefix: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env MCP_LOG_LEVEL; default info).")
    public var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text or json, one line per event (env MCP_LOG_FORMAT; default text).")
    public var logFormat: String?

    public init() {}

    /// How to reach Redis: the parsed `--redis` URL with the default timeouts.
    public func brokerConnection() throws -> BrokerConnection {
        try BrokerConnection(url: EnvironmentDefault.string(redis, "MCP_REDIS_URL", "redis://127.0.0.1:6379/0"))
    }

    /// The key prefix.
    public var resolvedPrefix: String {
        EnvironmentDefault.string(prefix, "MCP_PREFIX", BrokerConfiguration.defaultPrefix)
    }

    /// Sets up logging once for the process and returns its logger.
    public func bootstrapLogging(label: String) throws -> Logger {
        let levelText = EnvironmentDefault.string(logLevel, "MCP_LOG_LEVEL", "info")
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ConfigurationError("log level \"\(levelText)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        let format = EnvironmentDefault.string(logFormat, "MCP_LOG_FORMAT", "text")
        switch format {
        case "text":
            LoggingSystem.bootstrap { TextLogHandler(label: $0) }
        case "json":
            LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        default:
            throw ConfigurationError("log format \"\(format)\" must be text or json")
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

extension CommonOptions {
    /// A broker on the configured Redis and prefix, for commands that talk to Redis directly.
    public func broker(logger: Logger = Logger(label: "mcpctl")) throws -> Broker {
        Broker(connection: try brokerConnection(), configuration: BrokerConfiguration(prefix: resolvedPrefix), logger: logger)
    }
}
