import RedisClient

/// An error from the broker: what went wrong talking to the store, with a
/// stable code, a message for humans, and the Redis error behind it. Gateway
/// and worker see only this type, never the Redis client's own.
public struct BrokerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, stable across releases so callers can switch on it.
    /// Each code has the name of the Redis client's code it stands for.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        /// The store could not be reached (refused, unreachable, or in reconnect backoff).
        public static let connection = Code(raw: "connection")
        /// The store did not answer within the command or connect timeout.
        public static let timeout = Code(raw: "timeout")
        /// The store answered with an error reply; the message is the store's.
        public static let server = Code(raw: "server")
        /// The credentials or database were refused while connecting.
        public static let authentication = Code(raw: "authentication")
        /// The bytes on the wire were not valid RESP.
        public static let `protocol` = Code(raw: "protocol")
        /// The connection was closed by its owner.
        public static let closed = Code(raw: "closed")
        /// The URL or connection settings are invalid.
        public static let configuration = Code(raw: "configuration")
        /// A reply had an unexpected shape for the operation that decoded it.
        public static let unexpectedReply = Code(raw: "unexpected_reply")
        /// This build's function library is missing, of another build, or could not be loaded; the message names the fix.
        public static let functionLibrary = Code(raw: "function_library")
        /// `replicated` durability: no replica confirmed the job within the replication timeout.
        public static let notReplicated = Code(raw: "not_replicated")
        /// Redis records another partition count for this deployment than the process was started with.
        public static let partitionMismatch = Code(raw: "partition_mismatch")
        /// A reply grew past the connection's byte limit and was not read (``RedisError/Code/replyTooLarge``).
        public static let replyTooLarge = Code(raw: "reply_too_large")
        /// The code's stable name, as in logs and error messages.
        public var description: String { raw }
    }

    /// The stable error code.
    public let code: Code
    /// A message that says what failed and, where possible, what to do.
    public let message: String
    /// The Redis client's error behind this one, for logs and operator tools.
    public let underlying: RedisError

    /// Wraps a Redis client error; the code keeps its name.
    public init(_ underlying: RedisError) {
        self.code = Code(raw: underlying.code.description)
        self.message = underlying.message
        self.underlying = underlying
    }

    /// A broker's own refusal (Redis answered, but what it holds does not fit this process).
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
        self.underlying = RedisError(code: .unexpectedReply, message: message)
    }

    /// Whether Redis refused a command because a key holds another kind of value
    /// (`WRONGTYPE`): a poison value, which no retry mends.
    public var isWrongType: Bool {
        underlying.isWrongType
    }

    /// Whether what Redis holds is unusable, not unreachable: a key of another type, or a reply
    /// whose shape no retry changes (a record a writer left half-made). Answered `store_corrupt`.
    public var isPoisonValue: Bool {
        isWrongType || code == .unexpectedReply
    }

    /// What a client may be told of this error: its code, and for a refusal by Redis its error
    /// word (`OOM`, `LOADING`, `WRONGTYPE`); never the message, which may name the Redis host,
    /// port and user (`reading a reply from redis://user@host:6379/0 failed`). Logs get ``description``.
    public var publicSummary: String {
        if let word = underlying.serverErrorPrefix { return "\(code): \(word.prefix(32))" }
        return code.description
    }

    /// A value read from Redis, quoted for a message or a log line: whole up to 40 characters,
    /// else its first 40 and its length, so a megabyte of junk is never echoed.
    public static func excerpt(_ value: String) -> String {
        value.count > 40 ? "\"\(value.prefix(40))…\" (\(value.utf8.count) bytes)" : "\"\(value)\""
    }

    /// The same text as the Redis error behind it (`redis <code>: <message>`), or `<code>: <message>` for the broker's own.
    public var description: String {
        code.raw == underlying.code.description ? underlying.description : "\(code): \(message)"
    }
}
