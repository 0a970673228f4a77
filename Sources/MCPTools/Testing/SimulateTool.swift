import MCPWire

/// `simulate`: a tool that fails, sleeps or succeeds on demand, so operators
/// (and the reliability tests) can watch retries, timeouts, dead letters and
/// reclaims happen on a real deployment. Not in ``ToolRegistry/builtIn``;
/// workers offer it only with `--enable-test-tools` (``ToolRegistry/testTools``).
public struct SimulateTool: Tool {
    /// `{"fail_attempts"?, "terminal"?, "fail_until_ms"?, "sleep_ms"?}`.
    public struct Arguments: ToolArguments, Equatable {
        /// Attempts 1…n fail (the job's `attempts` counter decides).
        public let failAttempts: Int64
        /// Failures are terminal (not retried) instead of retryable.
        public let terminal: Bool
        /// Attempts fail while the wall clock is before this Unix time in ms.
        public let failUntilMs: Int64?
        /// How long each attempt works before it succeeds or fails, in ms.
        public let sleepMs: Int64

        /// The schema: every member optional, integers bounded.
        public static let schema: JSONValue = [
            "type": "object",
            "properties": [
                "fail_attempts": ["type": "integer", "minimum": 0, "maximum": 100],
                "terminal": ["type": "boolean"],
                "fail_until_ms": ["type": "integer", "minimum": 0, "maximum": .integer(JSONInteger(Int64.max))],
                "sleep_ms": ["type": "integer", "minimum": 0, "maximum": 600_000],
            ],
            "additionalProperties": false,
        ]

        /// Decodes the members strictly.
        public init(from reader: JSONObjectReader) throws {
            failAttempts = try reader.optionalInt64("fail_attempts") ?? 0
            terminal = try reader.optionalBool("terminal") ?? false
            failUntilMs = try reader.optionalInt64("fail_until_ms")
            sleepMs = try reader.optionalInt64("sleep_ms") ?? 0
            try reader.finish()
        }
    }

    /// `simulate`.
    public static let name = "simulate"
    /// Catalog text.
    public static let description = "Fails, sleeps or succeeds on demand, to exercise retries, timeouts and dead letters."
    /// Answered with a job id at once.
    public static let mode = ToolMode.async
    /// Short, so timeouts are quick to see.
    public static let timeout: Duration = .seconds(3)
    /// Three attempts in all.
    public static let maxAttempts = 3
    /// Quick retries.
    public static let retryBackoff: Duration = .milliseconds(100)

    /// The tool.
    public init() {}

    /// Sleeps, then fails or returns `{"attempt": n}`.
    public func run(_ arguments: Arguments, context: ToolContext) async throws -> JSONObject {
        if arguments.sleepMs > 0 { try await Task.sleep(for: .milliseconds(arguments.sleepMs)) }
        let failing = Int64(context.attempt) <= arguments.failAttempts
            || (arguments.failUntilMs.map { WallClock.nowMs() < $0 } ?? false)
        if failing {
            throw ToolError.failed("simulated failure on attempt \(context.attempt)", retryable: !arguments.terminal)
        }
        return ["attempt": .integer(JSONInteger(Int64(context.attempt)))]
    }
}
