/// Why a tool call failed, with a stable machine-readable code.
///
/// Codes in use: `invalid_args` (arguments do not decode or fit the schema),
/// `unknown_tool`, `tool_failed` (the tool itself failed), `timeout`,
/// `cancelled`. The worker stores `code: message` in the job's `error` and
/// retries only `retryable` failures, up to the tool's `maxAttempts`.
public struct ToolError: Error, Sendable, Equatable {
    /// A stable, machine-readable code. The built-in ones are static members; a
    /// tool may add its own (`"quota_exceeded"` as a string literal), which is
    /// why this is a struct and not an enum: new codes never break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        let raw: String
        /// `invalid_args`: the arguments do not decode or fit the schema.
        public static let invalidArgs = Code("invalid_args")
        /// `tool_failed`: the tool itself failed.
        public static let toolFailed = Code("tool_failed")
        /// `unknown_tool`: no tool of that name.
        public static let unknownTool = Code("unknown_tool")
        /// `timeout`: an attempt ran past the tool's timeout.
        public static let timeout = Code("timeout")
        /// `cancelled`: the job was cancelled on request.
        public static let cancelled = Code("cancelled")

        /// A code of a tool's own, e.g. `quota_exceeded` (lower-case words and `_`).
        public init(_ raw: String) {
            self.raw = raw
        }

        /// A code from a literal: `ToolError(code: "quota_exceeded", …)`.
        public init(stringLiteral value: String) {
            self.raw = value
        }

        /// The code as stored in a job's `error` and sent to clients.
        public var description: String { raw }
    }

    /// The stable code, e.g. ``Code/invalidArgs``.
    public let code: Code
    /// A sentence a caller can act on; for `invalid_args` it names the member
    /// by its full path (`args.numbers[2]`).
    public let message: String
    /// Whether running the job again may succeed.
    public let retryable: Bool
    /// The member at fault (`args.numbers[2]`), when there is one.
    public let member: String?
    /// The error that caused this one (a decoding error, a dependency's error), for logs.
    public let underlying: (any Error & Sendable)?

    /// Creates an error with any code.
    public init(code: Code, message: String, retryable: Bool = false, member: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.retryable = retryable
        self.member = member
        self.underlying = underlying
    }

    /// Equal when everything but the cause is.
    public static func == (lhs: ToolError, rhs: ToolError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.retryable == rhs.retryable && lhs.member == rhs.member
    }

    /// `invalid_args`: the arguments are wrong; never retryable.
    public static func invalidArguments(_ message: String, member: String? = nil) -> ToolError {
        ToolError(code: .invalidArgs, message: message, retryable: false, member: member)
    }

    /// `tool_failed`: the tool could not do its work; retry only if it may
    /// succeed next time (a transient dependency, not bad input).
    public static func failed(_ message: String, retryable: Bool = false) -> ToolError {
        ToolError(code: .toolFailed, message: message, retryable: retryable)
    }

    /// `unknown_tool`: no tool of this name is registered.
    public static func unknownTool(_ name: String) -> ToolError {
        ToolError(code: .unknownTool, message: "no tool named \"\(name)\"")
    }

    /// `timeout`: an attempt ran longer than the tool's timeout; retryable.
    public static func timedOut(after limit: Duration) -> ToolError {
        ToolError(code: .timeout, message: "the tool did not finish within \(limit.wholeMilliseconds) ms", retryable: true)
    }

    /// `cancelled`: the job was cancelled on request; never retried.
    public static func cancelled(_ message: String = "the job was cancelled") -> ToolError {
        ToolError(code: .cancelled, message: message)
    }
}

extension ToolError: CustomStringConvertible {
    /// `code: message`, the form stored in a job's `error`.
    public var description: String { "\(code): \(message)" }
}
