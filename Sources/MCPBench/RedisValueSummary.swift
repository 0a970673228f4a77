import RedisClient

/// A Redis reply value read as text or as a number, for small status replies such as `XINFO GROUPS`.
struct RedisValueSummary: Sendable {
    let text: String?
    let number: Int64?

    init(_ value: RedisValue) {
        text = value.string
        number = value.int64 ?? value.string.flatMap { Int64($0) }
    }
}
