import Logging

/// A safe Redis client: SwiftNIO for I/O, hiredis's reply reader for parsing.
///
/// A client keeps one connection per SwiftNIO event loop (``LoopConnections``),
/// opened on first use: a caller on a loop uses that loop's connection, so its
/// round trips need no thread switch. It is meant to be shared: concurrent
/// callers' commands are pipelined together into one round trip. Blocking reads
/// (`XREADGROUP … BLOCK`) all go to one connection and hold it for their block
/// time, so give a blocking reader its own client.
///
/// The client reconnects by itself with exponential backoff; while Redis is
/// unreachable, calls fail fast with a `connection` error.
///
/// With a `redis+cluster://` URL the same API talks to a Redis Cluster: one such
/// connection per primary, each command routed by its keys' hash slot, pipelines
/// split per node and reassembled in order, redirections and failovers followed
/// (bounded). `Cluster/ClusterRouter.swift` explains how, in its doc comment.
public final class RedisClient: Sendable {
    /// How this client connects and times out.
    public let configuration: RedisConfiguration
    private let backend: Backend

    /// One server, or a cluster.
    private enum Backend: Sendable {
        case single(LoopConnections)
        case cluster(ClusterRouter)
    }

    /// Creates a client; the connection is opened on first use.
    public init(configuration: RedisConfiguration, logger: Logger = Logger(label: "mcp.redis")) {
        self.configuration = configuration
        if configuration.endpoint.isCluster {
            self.backend = .cluster(ClusterRouter(configuration: configuration, logger: logger))
        } else {
            self.backend = .single(LoopConnections(configuration: configuration, logger: logger))
        }
    }

    /// Whether this client talks to a Redis Cluster (`redis+cluster://`).
    public var isCluster: Bool {
        if case .cluster = backend { return true }
        return false
    }

    /// Creates a client from a `redis://`, `unix://` or `redis+cluster://` URL with default timeouts.
    public convenience init(url: String, logger: Logger = Logger(label: "mcp.redis")) throws(RedisError) {
        self.init(configuration: try RedisConfiguration(url: url), logger: logger)
    }

    deinit {
        close()
    }

    /// Sends one command and returns its reply; an error reply is thrown as a `server` error.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RedisValue {
        if isCluster && command.isFunctionAdministration {
            let replies = try await executeOnEveryPrimary(command)
            return try (replies.first { $0.errorMessage != nil } ?? replies.first ?? .null).orThrow()
        }
        let replies = try await execute([command]).get()
        guard let reply = replies.first else {
            throw RedisError(code: .protocol, message: "no reply to \(command.name)")
        }
        return try reply.orThrow()
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
        try await execute(commands).get()
    }

    /// Sends every command, in one write, to the one server that holds `key` — on a cluster
    /// the primary serving its slot, with no redirection followed: if any command comes back
    /// `MOVED`, `ASK` or `TRYAGAIN`, the call throws ``RedisError/Code/redirected`` (the slot map
    /// is refreshed; call again). For a `WAIT` that must follow writes on the same node's connection.
    public func pipeline(onNodeOf key: String, _ commands: [RedisCommand]) async throws(RedisError) -> [RedisValue] {
        switch backend {
        case .single: return try await execute(commands).get()
        case .cluster(let router): return try await router.executeOnNode(of: key, commands).get()
        }
    }

    /// Sends `first` and `then` in one write (one round trip) and returns `first`'s
    /// replies as soon as they are read; `then`'s replies (typically a blocking
    /// read that waits for new work) arrive later through the returned handle.
    public func pipeline(_ first: [RedisCommand], then second: [RedisCommand]) async throws(RedisError) -> (first: [RedisValue], then: RedisPendingReplies) {
        let later = RedisPendingReplies()
        let connection: RedisConnection
        switch backend {
        case .single(let single): connection = single.connection(for: first + second)
        case .cluster(let router): return (try await router.execute(first, then: second, later: later).get(), later)
        }
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
        switch backend {
        case .single(let connections): connections.first.interruptBlocking()
        case .cluster(let router): router.interruptBlocking()
        }
    }

    /// The configuration of the one server that holds `key`: on a cluster, the primary
    /// serving its slot (the same login, no cluster routing; `refreshing` asks the cluster
    /// for a new slot map first), else this client's own. For connections that must stay
    /// on one node, like a sharded pub/sub subscriber's (``RedisConfiguration/onPush``).
    public func nodeConfiguration(forKey key: String, refreshing: Bool = false) async throws(RedisError) -> RedisConfiguration {
        switch backend {
        case .single: return configuration
        case .cluster(let router): return try await router.nodeConfiguration(forKey: key, refreshing: refreshing).get()
        }
    }

    /// Closes the connection (every node's, on a cluster); later calls fail with `closed`.
    public func close() {
        switch backend {
        case .single(let connections): connections.close()
        case .cluster(let router): router.close()
        }
    }

    private func execute(_ commands: [RedisCommand]) async -> Result<[RedisValue], RedisError> {
        switch backend {
        case .single(let connections): return await connections.connection(for: commands).execute(commands)
        case .cluster(let router): return await router.execute(commands)
        }
    }

    /// Sends `command` to every primary of a cluster (to the one server otherwise) and returns each reply.
    func executeOnEveryPrimary(_ command: RedisCommand) async throws(RedisError) -> [RedisValue] {
        switch backend {
        case .single(let connections): return try await connections.first.execute([command]).get()
        case .cluster(let router): return try await router.executeOnEveryPrimary(command).get()
        }
    }
}
