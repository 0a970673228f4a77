import ArgumentParser
import Logging
import MCPBroker

/// Options every MCPStreams process shares: Redis, key prefix, partitions, logging.
public struct CommonOptions: ParsableArguments {
    @Option(help: "Redis URL: redis://[user:pass@]host:port[/db] or unix:///path/redis.sock (env MCP_REDIS_URL; default redis://127.0.0.1:6379/0).")
    public var redis: String?

    @Option(help: "Prefix of every Redis key; all processes of a deployment must agree (env MCP_PREFIX; default \(BrokerConfiguration.defaultPrefix)).")
    public var prefix: String?

    @Option(parsing: .unconditional, help: "Partitions the job queue spreads over (DESIGN §10), 1 to \(Partitioning.maxCount); fixed for a deployment and recorded in Redis, so every process must be started with the same count (env MCP_PARTITIONS; default 1).")
    public var partitions: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env MCP_LOG_LEVEL; default info).")
    public var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text or json, one line per event (env MCP_LOG_FORMAT; default text).")
    public var logFormat: String?

    public init() {}

    /// Refuses to start on a bad prefix or partition count (swift-argument-parser calls this after parsing).
    public func validate() throws {
        _ = try brokerConfiguration()
    }

    /// How to reach Redis: the parsed `--redis` URL with the default timeouts.
    public func brokerConnection() throws -> BrokerConnection {
        try BrokerConnection(url: EnvironmentDefault.string(redis, "MCP_REDIS_URL", "redis://127.0.0.1:6379/0"))
    }

    /// The key prefix.
    public var resolvedPrefix: String {
        EnvironmentDefault.string(prefix, "MCP_PREFIX", BrokerConfiguration.defaultPrefix)
    }

    /// The partitioning (`--partitions` / `MCP_PARTITIONS`, default 1).
    public func resolvedPartitioning() throws -> Partitioning {
        let count = try EnvironmentDefault.int(partitions, "--partitions", "MCP_PARTITIONS", 1, in: 1...Partitioning.maxCount)
        guard let partitioning = Partitioning(count: count) else {
            throw ConfigurationError("--partitions / MCP_PARTITIONS is \(count); it must be 1 to \(Partitioning.maxCount)")
        }
        return partitioning
    }

    /// The broker settings every process shares: prefix and partitioning.
    public func brokerConfiguration() throws -> BrokerConfiguration {
        let prefix = resolvedPrefix
        // Braces would make the prefix a Redis Cluster hash tag: every partition's keys in one slot.
        // Spaces and control characters would make keys a redis-cli user cannot type.
        guard !prefix.isEmpty, prefix.utf8.count <= 64, prefix.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "{" && $0 != "}" }) else {
            throw ConfigurationError(
                "--prefix / MCP_PREFIX \"\(prefix.prefix(64))\" must be 1 to 64 printable ASCII characters without spaces, '{' or '}' "
                    + "(braces would put every partition in one Redis Cluster slot)")
        }
        var configuration = BrokerConfiguration(prefix: prefix)
        configuration.partitioning = try resolvedPartitioning()
        return configuration
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
        Broker(connection: try brokerConnection(), configuration: try brokerConfiguration(), logger: logger)
    }
}
