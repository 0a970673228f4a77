/// One consumer of a group, from `XINFO CONSUMERS`.
public struct StreamConsumerInfo: Sendable, Equatable {
    /// The consumer name (a worker or gateway id).
    public let name: String
    /// Entries delivered to it and not acknowledged.
    public let pending: Int
    /// Milliseconds since it last read or claimed.
    public let idleMillis: Int64

    /// Creates a consumer record.
    public init(name: String, pending: Int, idleMillis: Int64) {
        self.name = name
        self.pending = pending
        self.idleMillis = idleMillis
    }

    /// Decodes the reply of `XINFO CONSUMERS`.
    public static func decodeList(_ value: RedisValue) throws(RedisError) -> [StreamConsumerInfo] {
        var consumers = [StreamConsumerInfo]()
        for item in value.array ?? [] {
            let map = RedisValue.pairs(item)
            guard let name = map["name"]?.string else {
                throw RedisError(code: .unexpectedReply, message: "unexpected XINFO CONSUMERS entry \(item.shape)")
            }
            consumers.append(StreamConsumerInfo(
                name: name, pending: Int(map["pending"]?.int64 ?? 0), idleMillis: map["idle"]?.int64 ?? 0))
        }
        return consumers
    }
}
