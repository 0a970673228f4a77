import MCPWire

/// `start_long_task`: works for `seconds` seconds, reporting progress about
/// every 250 ms, then echoes its payload; the original design's async demo.
///
/// Cancellation ends it promptly: the sleep throws `CancellationError`,
/// which the tool rethrows.
public struct LongTaskTool: Tool {
    /// `{"seconds": 1…20, "payload"?: any JSON}`.
    public struct Arguments: ToolArguments, Equatable {
        /// How long to work, 1 to 20 seconds.
        public let seconds: Int64
        /// Echoed back in the result; `null` when absent.
        public let payload: JSONValue

        /// `seconds` an integer in 1…20 (required); `payload` any JSON value.
        public static let schema: JSONValue = [
            "type": "object",
            "properties": [
                "seconds": [
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 20,
                    "description": "How long the task runs, in whole seconds.",
                ],
                "payload": [
                    "description": "Any JSON value, echoed back in the result.",
                ],
            ],
            "required": ["seconds"],
            "additionalProperties": false,
        ]

        /// Arguments for a run of `seconds` seconds.
        public init(seconds: Int64, payload: JSONValue = .null) {
            self.seconds = seconds
            self.payload = payload
        }

        /// Decodes `seconds` (an integer in 1…20) and the optional `payload`.
        public init(from reader: JSONObjectReader) throws {
            let seconds = try reader.int64("seconds")
            guard (1 ... 20).contains(seconds) else {
                let path = reader.memberPath("seconds")
                throw WireDecodingError(
                    code: .invalidValue, member: path, message: "member \"\(path)\" must be from 1 to 20, got \(seconds)")
            }
            let payload = reader.contains("payload") ? try reader.member("payload").value : .null
            try reader.finish()
            self.init(seconds: seconds, payload: payload)
        }
    }

    /// `start_long_task`.
    public static let name = "start_long_task"
    /// Catalog text.
    public static let description = "Works for 1 to 20 seconds, reporting progress, then echoes its payload."
    /// Answered with a job id at once.
    public static let mode = ToolMode.async
    /// 30 seconds: the longest run (20 s) with room to spare.
    public static var timeout: Duration { .seconds(30) }

    /// How often progress is reported.
    let tick: Duration
    /// The wall clock, in milliseconds since the Unix epoch.
    let wallClockMs: @Sendable () -> Int64

    /// The tool, reporting every `tick` (250 ms) and stamping results with
    /// `wallClockMs` (the system clock).
    public init(tick: Duration = .milliseconds(250), wallClockMs: @escaping @Sendable () -> Int64 = WallClock.nowMs) {
        precondition(tick > .zero, "tick must be positive")
        self.tick = tick
        self.wallClockMs = wallClockMs
    }

    /// Sleeps tick by tick until `seconds` have passed, reporting
    /// `elapsed/total` with `working: 1.25 s of 3 s`; returns
    /// `{"echo_payload", "duration_s", "completed_ts_ms"}`.
    public func run(_ arguments: Arguments, context: ToolContext) async throws -> JSONObject {
        let clock = ContinuousClock()
        let start = clock.now
        let total = Duration.seconds(arguments.seconds)
        var elapsed = Duration.zero
        while elapsed < total {
            try Task.checkCancellation()
            elapsed = min(elapsed + tick, total)
            try await Task.sleep(until: start + elapsed, clock: clock)
            let fraction = Double(elapsed.wholeMilliseconds) / Double(total.wholeMilliseconds)
            await context.reportProgress(
                fraction, message: "working: \(Self.seconds(elapsed)) s of \(arguments.seconds) s")
        }
        return [
            "echo_payload": arguments.payload,
            "duration_s": .integer(JSONInteger(arguments.seconds)),
            "completed_ts_ms": .integer(JSONInteger(wallClockMs())),
        ]
    }

    /// Seconds with up to three decimals and no trailing zeros: `0.25`, `1`, `1.5`.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        let whole = milliseconds / 1000
        var fraction = milliseconds % 1000
        guard fraction > 0 else { return "\(whole)" }
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let padded = String(repeating: "0", count: digits - String(fraction).count) + String(fraction)
        return "\(whole).\(padded)"
    }
}
