import RedisClient
import Synchronization

/// A connection of its own for blocking reads (the worker's job reads, a
/// gateway's reply and ingress reads): a blocking read holds its connection,
/// so it must not share the broker's pipelining one. Make one with
/// ``Broker/makeReader(commandTimeout:)``.
///
/// On a Redis Cluster, job reads go through a ``ClusterJobFeed`` this reader
/// makes on first use (the partitions' bells, one subscriber connection per primary).
public final class BrokerReader: Sendable {
    /// The Redis client the reads go through.
    let client: RedisClient
    private let feed = Mutex<ClusterJobFeed?>(nil)

    /// Whether the reads go to a Redis Cluster (where one read may not span slots).
    public var isCluster: Bool { client.isCluster }

    /// Wraps a client that nothing else blocks on (operator tools and tests).
    public init(_ client: RedisClient) {
        self.client = client
    }

    /// The cluster job feed of this reader, made on first use for `broker`.
    func jobFeed(for broker: Broker) -> ClusterJobFeed {
        feed.withLock { feed in
            if let feed { return feed }
            let made = ClusterJobFeed(broker: broker)
            feed = made
            return made
        }
    }

    /// Ends a blocking read waiting on this reader at once (see
    /// `RedisClient.interruptBlocking()`): a worker that stops reading calls it so
    /// its drain does not wait out the block time. On a cluster it also ends the job feed's reads for good.
    public func interrupt() {
        client.interruptBlocking()
        feed.withLock { $0 }?.stop()
    }

    /// Closes the connection; reads after this fail with ``BrokerError/Code/closed``.
    public func close() {
        client.close()
        feed.withLock { $0 }?.close()
    }
}
