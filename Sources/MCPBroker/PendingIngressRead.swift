import RedisClient

/// A blocking ingress read already sent (see ``Broker/settleIngressThenRead(stream:acknowledging:rejections:gateway:rejectedMaxLength:using:consumer:count:block:)``);
/// ``entries()`` returns what it delivered once Redis answers.
public struct PendingIngressRead: Sendable {
    private let replies: RedisPendingReplies?
    /// On a cluster the read is not pipelined with the settlement: it runs when asked for.
    private let deferred: (@Sendable () async throws(BrokerError) -> [IngressEntry])?

    init(replies: RedisPendingReplies) {
        self.replies = replies
        self.deferred = nil
    }

    init(deferred: @escaping @Sendable () async throws(BrokerError) -> [IngressEntry]) {
        self.replies = nil
        self.deferred = deferred
    }

    /// The entries the read delivered (empty when its block time passed with nothing).
    public func entries() async throws(BrokerError) -> [IngressEntry] {
        if let deferred { return try await deferred() }
        guard let replies else { return [] }
        return try await BrokerError.mapping { () async throws(RedisError) in
            let reply = try await replies.get()
            guard let first = reply.first else { return [] }
            return try RedisClient.decodeStreams(try first.orThrow()).flatMap { $0.entries.map { IngressEntry($0, isRedelivery: false) } }
        }
    }
}
