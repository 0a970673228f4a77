/// An error from the Redis client, with a stable code, a message for humans,
/// and the server's own text where there is one.
public struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, stable across releases so callers can switch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        /// The server could not be reached (refused, unreachable, or in reconnect backoff).
        public static let connection = Code(raw: "connection")
        /// The server did not answer within the command or connect timeout.
        public static let timeout = Code(raw: "timeout")
        /// Redis answered with an error reply; the message is Redis's.
        public static let server = Code(raw: "server")
        /// AUTH or SELECT was refused while connecting (wrong password, unknown user, bad db).
        public static let authentication = Code(raw: "authentication")
        /// The bytes on the wire were not valid RESP.
        public static let `protocol` = Code(raw: "protocol")
        /// The client was closed by its owner.
        public static let closed = Code(raw: "closed")
        /// The URL or configuration is invalid.
        public static let configuration = Code(raw: "configuration")
        /// A reply had an unexpected shape for the helper that decoded it.
        public static let unexpectedReply = Code(raw: "unexpected_reply")
        /// The caller's task was cancelled while its blocking command waited (the wait was ended).
        public static let cancelled = Code(raw: "cancelled")
        /// A Redis function library is missing, of another build, or could not be loaded; the message names the fix.
        public static let functionLibrary = Code(raw: "function_library")
        /// A programming error: one command or script names keys in different hash
        /// slots, which Redis Cluster cannot run; it was not sent. Give the keys one hash tag (`{…}`).
        public static let crossSlot = Code(raw: "cross_slot")
        /// A call pinned to one cluster node (``RedisClient/pipeline(onNodeOf:_:)``) was answered
        /// `MOVED`, `ASK` or `TRYAGAIN`: the slot lives elsewhere now; the map is refreshed, call again.
        public static let redirected = Code(raw: "redirected")
        /// A reply grew past ``RedisConfiguration/replyByteLimit``: its connection was closed
        /// unread. Sending the same command again gets the same reply: read less at a time.
        public static let replyTooLarge = Code(raw: "reply_too_large")
        public var description: String { raw }
    }

    /// The stable error code.
    public let code: Code
    /// A message that says what failed and, where possible, what to do.
    public let message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// Whether the commands were certainly not sent (the connection could not be opened), so
    /// resending them elsewhere cannot run them twice. Not part of equality.
    private(set) var notSent = false

    /// This error, marked as raised before anything was written.
    func markedNotSent() -> RedisError {
        var copy = self
        copy.notSent = true
        return copy
    }

    /// Errors are equal when their code and message are.
    public static func == (lhs: RedisError, rhs: RedisError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// A server error reply; `message` is Redis's text (e.g. `NOSCRIPT No matching script`), its control
    /// characters shown as `?`: a hostile server's escape sequences never reach a terminal through an
    /// error message, and 500 characters at most are kept.
    public static func server(_ message: String) -> RedisError {
        RedisError(code: .server, message: printable(message, limit: 500))
    }

    /// `text` without control characters (C0, DEL, C1: each becomes `?`), cut to `limit` characters.
    public static func printable(_ text: String, limit: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.prefix(limit) {
            scalars.append(scalar.properties.generalCategory == .control ? "?" : scalar)
        }
        return text.unicodeScalars.count > limit ? String(scalars) + "…" : String(scalars)
    }

    /// Whether Redis refused a command because a key holds another kind of value (`WRONGTYPE`).
    public var isWrongType: Bool { serverErrorPrefix == "WRONGTYPE" }

    /// The first word of a server error (`NOSCRIPT`, `BUSYGROUP`, `WRONGPASS`), if any.
    public var serverErrorPrefix: Substring? {
        guard code == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first
    }

    public var description: String { "redis \(code): \(message)" }
}
