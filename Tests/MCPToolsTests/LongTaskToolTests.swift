import MCPTools
import MCPWire
import Testing

@Suite("start_long_task")
struct LongTaskToolTests {
    @Test func oneSecondRunReportsIncreasingProgressAndEchoes() async throws {
        let recorder = ProgressRecorder()
        let tool = LongTaskTool(wallClockMs: { 1_766_383_443_222 })
        let arguments = try LongTaskTool.Arguments(
            from: JSONObjectReader(try object(#"{"seconds": 1, "payload": {"k": [1, "v"]}}"#), path: "args"))
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await tool.run(arguments, context: makeContext(recorder: recorder))
        let took = clock.now - started

        #expect(took >= .seconds(1))
        #expect(took < .seconds(60))  // a bound, not a speed test: a loaded run (CPU-spinning tests alongside) took 25 s
        #expect(CanonicalJSON.string(.object(result))
            == #"{"completed_ts_ms":1766383443222,"duration_s":1,"echo_payload":{"k":[1,"v"]}}"#)
        let reports = await recorder.reports
        #expect(reports.count >= 3)
        #expect(reports.map(\.fraction) == [0.25, 0.5, 0.75, 1.0])
        #expect(reports.map(\.message) == [
            "working: 0.25 s of 1 s", "working: 0.5 s of 1 s", "working: 0.75 s of 1 s", "working: 1 s of 1 s",
        ])
        for (earlier, later) in zip(reports, reports.dropFirst()) {
            #expect(earlier.fraction < later.fraction)
        }
    }

    @Test func payloadDefaultsToNullAndTimestampIsNow() async throws {
        let before = WallClock.nowMs()
        let result = try await ToolRegistry.builtIn.run(
            name: "start_long_task", arguments: ["seconds": 1], context: makeContext())
        let stamp = try #require(result["completed_ts_ms"]?.int64Value)
        #expect(result["echo_payload"] == .null)
        #expect(result["duration_s"] == .integer(1))
        #expect(stamp >= before + 1000)
        #expect(stamp <= WallClock.nowMs())
    }

    @Test func cancellationEndsTheRunWithCancellationError() async throws {
        let recorder = ProgressRecorder()
        let clock = ContinuousClock()
        let started = clock.now
        let task = Task {
            try await LongTaskTool().run(.init(seconds: 20), context: makeContext(recorder: recorder))
        }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CancellationError.self) {
            try await task.value
        }
        // A run that ignored cancellation would return its result after 20 s, which the #expect(throws:) above refuses;
        // this bound only says it ended (a loaded run took 23 s).
        #expect(clock.now - started < .seconds(60))
    }

    @Test func cancellationPassesThroughTheRegistry() async throws {
        let task = Task {
            try await ToolRegistry.builtIn.run(name: "start_long_task", arguments: ["seconds": 5], context: makeContext())
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: CancellationError.self) {
            try await task.value
        }
    }

    @Test(arguments: [
        ("0", "args.seconds must be at least 1, got 0"),
        ("21", "args.seconds must be at most 20, got 21"),
        ("1.5", "args.seconds must be an integer, got number 1.5"),
        ("\"3\"", "args.seconds must be an integer, got string"),
    ])
    func schemaRejectsBadSeconds(seconds: String, expected: String) throws {
        let args = try json(#"{"seconds": \#(seconds)}"#)
        let violations = JSONSchemaValidator.validate(args, against: LongTaskTool.Arguments.schema)
        #expect(violations.map(\.description) == [expected])
    }

    @Test func schemaAcceptsTheRange() throws {
        for text in [#"{"seconds": 1}"#, #"{"seconds": 20, "payload": null}"#, #"{"seconds": 7, "payload": [1, {"a": 2}]}"#] {
            #expect(JSONSchemaValidator.validate(try json(text), against: LongTaskTool.Arguments.schema) == [])
        }
    }

    @Test func decoderRejectsOutOfRangeSeconds() throws {
        #expect(throws: WireDecodingError(
            code: .invalidValue, member: "args.seconds", message: #"member "args.seconds" must be from 1 to 20, got 21"#)) {
            try LongTaskTool.Arguments(from: JSONObjectReader(try object(#"{"seconds": 21}"#), path: "args"))
        }
    }

    @Test func descriptorIsAsyncWithThirtySecondTimeout() throws {
        let descriptor = try #require(ToolRegistry.builtIn.descriptor(named: "start_long_task"))
        #expect(descriptor.mode == .async)
        #expect(descriptor.timeout == .seconds(30))
        #expect(descriptor.maxAttempts == 3)
    }
}
