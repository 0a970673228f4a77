/// One Redis command as a typed value: the command name and its arguments,
/// binary-safe. Helpers such as ``RedisCommand/xadd(_:id:fields:trim:)`` build them.
public struct RedisCommand: Sendable, Equatable {
    /// The arguments, the command name first.
    public let arguments: [[UInt8]]
    /// Extra socket time a blocking command may need (its `BLOCK`/timeout), in milliseconds.
    public let blockingMillis: Int

    /// Creates a command from its words; each is encoded as UTF-8.
    public init(_ name: String, _ arguments: [String], blockingMillis: Int = 0) {
        self.arguments = [Array(name.utf8)] + arguments.map { Array($0.utf8) }
        self.blockingMillis = blockingMillis
    }

    /// Creates a command from raw byte arguments (name first).
    public init(raw arguments: [[UInt8]], blockingMillis: Int = 0) {
        self.arguments = arguments
        self.blockingMillis = blockingMillis
    }

    /// The command name, for logs and errors.
    public var name: String { arguments.first.map { String(decoding: $0, as: UTF8.self) } ?? "" }
}
