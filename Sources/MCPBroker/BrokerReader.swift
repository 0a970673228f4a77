import RedisClient

/// A connection of its own for blocking reads (the worker's job reads, a
/// gateway's reply and ingress reads): a blocking read holds its connection,
/// so it must not share the broker's pipelining one. Make one with
/// ``Broker/makeReader(commandTimeout:)``.
public struct BrokerReader: Sendable {
    /// The Redis client the reads go through.
    let client: RedisClient

    /// Wraps a client that nothing else blocks on (operator tools and tests).
    public init(_ client: RedisClient) {
        self.client = client
    }

    /// Ends a blocking read waiting on this reader at once (see
    /// `RedisClient.interruptBlocking()`): a worker that stops reading calls it so
    /// its drain does not wait out the block time.
    public func interrupt() {
        client.interruptBlocking()
    }

    /// Closes the connection; reads after this fail with ``BrokerError/Code/closed``.
    public func close() {
        client.close()
    }
}
