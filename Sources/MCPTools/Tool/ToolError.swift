/// Why a tool call failed, with a stable machine-readable code.
///
/// Codes in use: `invalid_args` (arguments do not decode or fit the schema),
/// `unknown_tool`, `tool_failed` (the tool itself failed), `timeout`,
/// `cancelled`. The worker stores `code: message` in the job's `error` and
/// retries only `retryable` failures, up to the tool's `maxAttempts`.
public struct ToolError: Error, Sendable, Equatable {
    /// The stable code, e.g. `invalid_args`.
    public let code: String
    /// A sentence a caller can act on; for `invalid_args` it names the member
    /// by its full path (`args.numbers[2]`).
    public let message: String
    /// Whether running the job again may succeed.
    public let retryable: Bool
    /// The member at fault (`args.numbers[2]`), when there is one.
    public let member: String?

    /// Creates an error with any code.
    public init(code: String, message: String, retryable: Bool = false, member: String? = nil) {
        self.code = code
        self.message = message
        self.retryable = retryable
        self.member = member
    }

    /// `invalid_args`: the arguments are wrong; never retryable.
    public static func invalidArguments(_ message: String, member: String? = nil) -> ToolError {
        ToolError(code: "invalid_args", message: message, retryable: false, member: member)
    }

    /// `tool_failed`: the tool could not do its work; retry only if it may
    /// succeed next time (a transient dependency, not bad input).
    public static func failed(_ message: String, retryable: Bool = false) -> ToolError {
        ToolError(code: "tool_failed", message: message, retryable: retryable)
    }

    /// `unknown_tool`: no tool of this name is registered.
    public static func unknownTool(_ name: String) -> ToolError {
        ToolError(code: "unknown_tool", message: "no tool named \"\(name)\"")
    }

    /// `timeout`: an attempt ran longer than the tool's timeout; retryable.
    public static func timedOut(after limit: Duration) -> ToolError {
        ToolError(code: "timeout", message: "the tool did not finish within \(limit.wholeMilliseconds) ms", retryable: true)
    }

    /// `cancelled`: the job was cancelled on request; never retried.
    public static func cancelled(_ message: String = "the job was cancelled") -> ToolError {
        ToolError(code: "cancelled", message: message)
    }
}

extension ToolError: CustomStringConvertible {
    /// `code: message`, the form stored in a job's `error`.
    public var description: String { "\(code): \(message)" }
}
