import Logging
import NIOCore
import NIOPosix

/// One connection to a server per event loop of the process's loop group.
///
/// A caller running on a loop (the gateway and worker run their tasks on the
/// loops) uses that loop's connection, so its commands are written and its
/// replies read on its own thread: no hop to another loop and back. Callers
/// elsewhere, and every blocking command (which must stay interruptible on one
/// known connection), use the first. Connections open on first use only.
final class LoopConnections: Sendable {
    private let connections: [RedisConnection]
    /// A subscriber (``RedisConfiguration/onPush``) keeps every command on ``first``, its subscribed connection.
    private let pinned: Bool

    init(configuration: RedisConfiguration, logger: Logger, group: MultiThreadedEventLoopGroup = .singleton) {
        var connections = [RedisConnection]()
        for loop in group.makeIterator() {
            connections.append(RedisConnection(configuration: configuration, logger: logger, eventLoop: loop))
        }
        if connections.isEmpty {
            connections.append(RedisConnection(configuration: configuration, logger: logger))
        }
        self.connections = connections
        self.pinned = configuration.onPush != nil
    }

    /// The connection for blocking commands and for callers that are not on a loop.
    var first: RedisConnection { connections[connections.startIndex] }

    /// The connection of the loop the caller runs on, or ``first``.
    var forCurrentLoop: RedisConnection {
        guard connections.count > 1, let current = MultiThreadedEventLoopGroup.currentEventLoop else { return first }
        let identity = ObjectIdentifier(current)
        return connections.first { ObjectIdentifier($0.eventLoop) == identity } ?? first
    }

    /// The connection for `commands`: ``first`` if one of them blocks (or for a subscriber), else ``forCurrentLoop``.
    func connection(for commands: [RedisCommand]) -> RedisConnection {
        pinned || commands.contains { $0.blockingMillis > 0 } ? first : forCurrentLoop
    }

    /// Closes every connection.
    func close() {
        for connection in connections { connection.close() }
    }
}
