import MCPTools
import MCPWire
import Testing

/// A tool whose failure mode is chosen by its argument, for the registry's error mapping.
struct FailingTool: Tool {
    struct Arguments: ToolArguments {
        static let schema: JSONValue = ["type": "object", "properties": ["how": ["enum": ["tool", "other"]]]]
        let how: String
        init(from reader: JSONObjectReader) throws {
            how = try reader.string("how")
            try reader.finish()
        }
    }

    struct Boom: Error, CustomStringConvertible {
        var description: String { "boom" }
    }

    static let name = "failing"
    static let description = "Fails."
    static let mode = ToolMode.sync
    static var maxAttempts: Int { 5 }

    func run(_ arguments: Arguments, context: ToolContext) async throws -> JSONObject {
        if arguments.how == "tool" { throw ToolError.failed("backend down", retryable: true) }
        throw Boom()
    }
}

@Suite("ToolRegistry")
struct ToolRegistryTests {
    @Test func builtInCatalog() {
        let registry = ToolRegistry.builtIn
        #expect(registry.names == ["batch_sum", "start_long_task", "echo", "noop"])
        #expect(registry.descriptors.map(\.mode) == [.sync, .async, .sync, .async])
        #expect(registry.descriptor(named: "echo")?.name == "echo")
        #expect(registry.descriptor(named: "poll_job") == nil)
    }

    @Test func unknownToolIsUnknownTool() async throws {
        let error = try #require(await toolError("nope", "{}"))
        #expect(error == ToolError(code: "unknown_tool", message: #"no tool named "nope""#))
        #expect(error.description == #"unknown_tool: no tool named "nope""#)
    }

    @Test func toolErrorsPassThroughAndOthersBecomeToolFailed() async throws {
        let registry = ToolRegistry([FailingTool(), NoopTool()])
        #expect(registry.descriptor(named: "failing")?.maxAttempts == 5)
        await #expect(throws: ToolError.failed("backend down", retryable: true)) {
            try await registry.run(name: "failing", arguments: ["how": "tool"], context: makeContext())
        }
        await #expect(throws: ToolError(code: "tool_failed", message: "failing failed: boom")) {
            try await registry.run(name: "failing", arguments: ["how": "other"], context: makeContext())
        }
    }

    @Test func decoderErrorsBecomeInvalidArgsWhenTheSchemaIsLooser() async throws {
        // The schema does not require `how`; the decoder does.
        let registry = ToolRegistry([FailingTool()])
        await #expect(throws: ToolError.invalidArguments(#"missing member "args.how""#, member: "args.how")) {
            try await registry.run(name: "failing", arguments: [:], context: makeContext())
        }
        await #expect(throws: ToolError.invalidArguments(#"args.how must be one of "tool" or "other""#, member: "args.how")) {
            try await registry.run(name: "failing", arguments: ["how": "x"], context: makeContext())
        }
    }

    @Test func contextClampsProgress() async {
        let recorder = ProgressRecorder()
        let context = makeContext(recorder: recorder)
        await context.reportProgress(-0.5, message: "a")
        await context.reportProgress(0.4, message: "b")
        await context.reportProgress(7, message: "c")
        await context.reportProgress(.nan, message: "d")
        let reports = await recorder.reports
        #expect(reports.map(\.fraction) == [0, 0.4, 1, 0])
        #expect(reports.map(\.message) == ["a", "b", "c", "d"])
        #expect(context.jobID == "job-1")
        #expect(context.attempt == 1)
    }

    @Test func toolErrorHelpers() {
        #expect(ToolError.invalidArguments("x").code == "invalid_args")
        #expect(ToolError.invalidArguments("x").retryable == false)
        #expect(ToolError.failed("y").retryable == false)
        #expect(ToolError.timedOut(after: .seconds(30)) == ToolError(
            code: "timeout", message: "the tool did not finish within 30000 ms", retryable: true))
        #expect(ToolError.cancelled().code == "cancelled")
    }
}
