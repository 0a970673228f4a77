/// One Redis reply, decoded from hiredis at the boundary (RESP2).
///
/// A server error reply (`-ERR …`, `-NOSCRIPT …`) is a value, not a thrown
/// error, so a pipeline can carry one failing command among successful ones;
/// ``RedisClient/send(_:)`` turns it into ``RedisError`` for single commands.
public enum RedisValue: Sendable, Equatable {
    /// A simple string such as `OK` or `QUEUED`.
    case status(String)
    /// A server error reply; the text is Redis's message, e.g. `BUSYGROUP Consumer Group name already exists`.
    case error(String)
    /// An integer reply.
    case integer(Int64)
    /// A bulk string, kept as bytes (binary-safe).
    case bulk([UInt8])
    /// The nil bulk string or nil array.
    case null
    /// An array of replies.
    indirect case array([RedisValue])
}

extension RedisValue {
    /// The reply as text: bulk (UTF-8) or status; `nil` otherwise.
    public var string: String? {
        switch self {
        case .bulk(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        default: return nil
        }
    }

    /// The reply as an integer: integer replies, or bulk/status text that is a decimal integer.
    public var int64: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulk, .status: return string.flatMap { Int64($0) }
        default: return nil
        }
    }

    /// The elements of an array reply; `nil` for other replies (including nil arrays).
    public var array: [RedisValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The bytes of a bulk reply.
    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { return bytes }
        return nil
    }

    /// Whether this is the nil reply.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The server error text, when this is an error reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    /// A bounded description of the reply's kind and size for error messages:
    /// never the whole of an unexpected reply, which may be megabytes.
    public var shape: String {
        switch self {
        case .status(let text): return "status \"\(text.prefix(64))\""
        case .error(let message): return "error \"\(message.prefix(200))\""
        case .integer(let value): return "integer \(value)"
        case .bulk(let bytes): return "a bulk string of \(bytes.count) bytes"
        case .null: return "nil"
        case .array(let elements): return "an array of \(elements.count) replies"
        }
    }

    /// Returns the value, or throws the server error it carries.
    public func orThrow() throws(RedisError) -> RedisValue {
        if case .error(let message) = self { throw RedisError.server(message) }
        return self
    }
}
