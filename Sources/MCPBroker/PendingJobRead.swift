import RedisClient

/// A blocking job read already sent (see ``Broker/claimThenRead(_:maxAttempts:worker:using:count:block:)``);
/// ``jobs()`` returns what it delivered once Redis answers.
public struct PendingJobRead: Sendable {
    let replies: RedisPendingReplies
    let broker: Broker

    /// The jobs the read delivered (empty when its block time passed with nothing).
    public func jobs() async throws(BrokerError) -> [DeliveredJob] {
        try await BrokerError.mapping { () async throws(RedisError) in
            let reply = try await replies.get()
            return try await broker.deliveredJobs(in: try reply[0].orThrow())
        }
    }
}
