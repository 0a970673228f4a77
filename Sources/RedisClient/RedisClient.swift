import Logging

/// A safe Redis client over hiredis.
///
/// One client is one connection driven by its own I/O thread. It is meant to
/// be shared: concurrent callers' commands are pipelined together into one
/// round trip. Blocking reads (`XREADGROUP … BLOCK`) hold the connection for
/// their block time, so give a blocking reader its own client.
///
/// The client reconnects by itself with exponential backoff; while Redis is
/// unreachable, calls fail fast with a `connection` error.
public final class RedisClient: Sendable {
    /// How this client connects and times out.
    public let configuration: RedisConfiguration
    private let connection: RedisConnection

    /// Creates a client; the connection is opened on first use.
    public init(configuration: RedisConfiguration, logger: Logger = Logger(label: "mcp.redis")) {
        self.configuration = configuration
        self.connection = RedisConnection(configuration: configuration, logger: logger)
    }

    /// Creates a client from a `redis://` or `unix://` URL with default timeouts.
    public convenience init(url: String, logger: Logger = Logger(label: "mcp.redis")) throws(RedisError) {
        self.init(configuration: try RedisConfiguration(url: url), logger: logger)
    }

    deinit {
        connection.close()
    }

    /// Sends one command and returns its reply; an error reply is thrown as a `server` error.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RedisValue {
        let replies = try await connection.execute([command]).get()
        return try replies[0].orThrow()
    }

    /// Sends one command given as words, e.g. `send("HGET", "key", "field")`.
    @discardableResult
    public func send(_ name: String, _ arguments: String...) async throws(RedisError) -> RedisValue {
        try await send(RedisCommand(name, arguments))
    }

    /// Sends many commands in one round trip and returns every reply in order.
    /// Error replies stay values (``RedisValue/error(_:)``) so one failing
    /// command does not hide the others' results; I/O failures throw.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RedisValue] {
        try await connection.execute(commands).get()
    }

    /// Sends `first` and `then` in one write (one round trip) and returns `first`'s
    /// replies as soon as they are read; `then`'s replies (typically a blocking
    /// read that waits for new work) arrive later through the returned handle.
    public func pipeline(_ first: [RedisCommand], then second: [RedisCommand]) async throws(RedisError) -> (first: [RedisValue], then: RedisPendingReplies) {
        let later = RedisPendingReplies()
        let now: Result<[RedisValue], RedisError> = await withCheckedContinuation { continuation in
            let resumeFirst: @Sendable (Result<[RedisValue], RedisError>) -> Void = { continuation.resume(returning: $0) }
            let fulfilLater: @Sendable (Result<[RedisValue], RedisError>) -> Void = { later.fulfil($0) }
            connection.enqueue([(first, resumeFirst), (second, fulfilLater)])
        }
        return (try now.get(), later)
    }

    /// Ends a blocking command (`XREADGROUP … BLOCK`) waiting on this client at
    /// once: its caller gets a `connection` error, Redis delivers nothing to it,
    /// and the next call reconnects. With no blocking command running, the next
    /// one is refused (`cancelled`). A cancelled task's blocking call does this by
    /// itself; a reader that stops without cancelling (a worker draining) calls it.
    public func interruptBlocking() {
        connection.interruptBlocking()
    }

    /// Closes the connection; later calls fail with `closed`.
    public func close() {
        connection.close()
    }
}
