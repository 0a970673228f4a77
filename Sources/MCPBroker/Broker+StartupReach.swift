import Logging
import RedisClient

extension Broker {
    /// Whether a start-up check's error only means that Redis could not be asked: it is down or slow,
    /// refuses the login, or the server at the URL does not speak Redis (an answer that is not RESP).
    /// The process starts and its connections keep trying, as they do when the same happens at run
    /// time (the gateway answers 503 `unavailable`, workers retry); the check runs again on first use.
    static func startsWithout(_ error: BrokerError) -> Bool {
        [.connection, .timeout, .authentication, .protocol].contains(error.code)
    }

    /// Logs, as a warning naming the endpoint, that a start-up check could not ask Redis; `later`
    /// says when it is checked instead ("the partition count is checked later").
    static func warnStartingWithout(_ error: BrokerError, endpoint: RedisEndpoint, later: String, logger: Logger) {
        let metadata: Logger.Metadata = [
            "error": "\(error.code)", "redis.endpoint": "\(endpoint)", "redis.error": "\(RedisError.printable(error.message, limit: 300))",
        ]
        if error.code == .protocol {
            logger.warning("the server at \(endpoint) does not speak Redis (its answer is not RESP); \(later)", metadata: metadata)
        } else {
            logger.warning("Redis unreachable at startup; \(later)", metadata: metadata)
        }
    }
}
