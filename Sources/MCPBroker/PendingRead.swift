import RedisClient

/// A blocking stream read already sent, pipelined behind other commands (see
/// ``Broker/claimThenRead(_:maxAttempts:worker:using:count:block:)``,
/// ``Broker/settleThenRead(_:worker:using:count:block:)`` and
/// ``Broker/settleIngressThenRead(stream:acknowledging:rejections:gateway:rejectedMaxLength:using:consumer:count:block:)``);
/// ``delivered()`` returns what it delivered once Redis answers.
public struct PendingRead<Element: Sendable>: Sendable {
    private let replies: RedisPendingReplies?
    private let decode: (@Sendable (RedisValue) async throws(RedisError) -> [Element])?
    /// On a cluster the read is not pipelined (a read may not share a round trip across slots): it runs when asked for.
    private let deferred: (@Sendable () async throws(BrokerError) -> [Element])?

    /// A read whose reply `replies` will hold (its first), decoded by `decode`.
    init(replies: RedisPendingReplies, decode: @escaping @Sendable (RedisValue) async throws(RedisError) -> [Element]) {
        self.replies = replies
        self.decode = decode
        self.deferred = nil
    }

    /// A read not sent yet: `read` runs when ``delivered()`` is called.
    init(deferred read: @escaping @Sendable () async throws(BrokerError) -> [Element]) {
        self.replies = nil
        self.decode = nil
        self.deferred = read
    }

    /// What the read delivered (empty when its block time passed with nothing).
    public func delivered() async throws(BrokerError) -> [Element] {
        if let deferred { return try await deferred() }
        guard let replies, let decode else { return [] }
        return try await BrokerError.mapping { () async throws(RedisError) in
            guard let reply = try await replies.get().first else { return [] }
            return try await decode(try reply.orThrow())
        }
    }
}

/// The worker's next job read (``DeliveredJob``s; entries without a job id are acknowledged on decoding).
public typealias PendingJobRead = PendingRead<DeliveredJob>

/// An ingress consumer's next read of new entries.
public typealias PendingIngressRead = PendingRead<IngressEntry>

extension PendingRead where Element == DeliveredJob {
    /// A pipelined job read of `broker`'s streams.
    init(replies: RedisPendingReplies, broker: Broker) {
        self.init(replies: replies) { reply throws(RedisError) in try await broker.deliveredJobs(in: reply) }
    }
}

extension PendingRead where Element == IngressEntry {
    /// A pipelined read of new ingress entries.
    init(replies: RedisPendingReplies) {
        self.init(replies: replies) { reply throws(RedisError) in
            try RedisClient.decodeStreams(reply).flatMap { $0.entries.map { IngressEntry($0, isRedelivery: false) } }
        }
    }
}
