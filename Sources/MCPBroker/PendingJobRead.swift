import RedisClient

/// A blocking job read already sent (see ``Broker/claimThenRead(_:maxAttempts:worker:using:count:block:)``);
/// ``jobs()`` returns what it delivered once Redis answers.
public struct PendingJobRead: Sendable {
    let replies: RedisPendingReplies?
    let broker: Broker
    /// On a cluster the next read is not pipelined with the claims: it runs when asked for.
    let deferred: (@Sendable () async throws(BrokerError) -> [DeliveredJob])?

    init(replies: RedisPendingReplies, broker: Broker) {
        self.replies = replies
        self.broker = broker
        self.deferred = nil
    }

    init(broker: Broker, deferred: @escaping @Sendable () async throws(BrokerError) -> [DeliveredJob]) {
        self.replies = nil
        self.broker = broker
        self.deferred = deferred
    }

    /// The jobs the read delivered (empty when its block time passed with nothing).
    public func jobs() async throws(BrokerError) -> [DeliveredJob] {
        if let deferred { return try await deferred() }
        guard let replies else { return [] }
        return try await BrokerError.mapping { () async throws(RedisError) in
            let reply = try await replies.get()
            return try await broker.deliveredJobs(in: try reply[0].orThrow())
        }
    }
}
