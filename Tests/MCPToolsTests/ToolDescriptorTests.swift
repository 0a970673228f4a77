import MCPTools
import MCPWire
import Testing

@Suite("ToolDescriptor")
struct ToolDescriptorTests {
    @Test func describingReadsTheToolType() {
        let descriptor = ToolDescriptor.describing(BatchSumTool.self)
        #expect(descriptor.name == "batch_sum")
        #expect(descriptor.mode == .sync)
        #expect(descriptor.timeout == .seconds(30))
        #expect(descriptor.syncBudget == .seconds(2))
        #expect(descriptor.maxAttempts == 3)
        #expect(descriptor.inputSchema == BatchSumTool.Arguments.schema)
    }

    @Test func jsonHasTheCatalogMembers() {
        let json = ToolDescriptor.describing(NoopTool.self).json()
        #expect(json.objectValue?.keys == [
            "name", "description", "mode", "timeout_ms", "sync_budget_ms", "max_attempts", "retry_backoff_ms", "input_schema",
        ])
        #expect(CanonicalJSON.string(json) == #"{"description":"Does nothing and returns {} (async; for benchmarks).","#
            + #""input_schema":{"additionalProperties":false,"properties":{},"type":"object"},"max_attempts":3,"#
            + #""mode":"async","name":"noop","retry_backoff_ms":1000,"sync_budget_ms":2000,"timeout_ms":30000}"#)
    }

    @Test func jsonRoundTripsThroughCanonicalBytes() throws {
        for descriptor in ToolRegistry.builtIn.descriptors {
            let bytes = CanonicalJSON.bytes(descriptor.json())
            let back = try ToolDescriptor(json: try JSONParser.parse(bytes))
            #expect(back == descriptor)
        }
        let custom = ToolDescriptor(
            name: "x", description: "", mode: .async, timeout: .milliseconds(1500), syncBudget: .zero,
            maxAttempts: 1, retryBackoff: .milliseconds(250), inputSchema: ["type": "object"])
        #expect(try ToolDescriptor(json: custom.json()) == custom)
    }

    @Test func initRejectsExtraAndBadMembers() throws {
        var object = try #require(ToolDescriptor.describing(EchoTool.self).json().objectValue)
        object["extra"] = 1
        #expect(throws: WireDecodingError(code: .extraMember, member: "extra", message: #"unexpected member "extra""#)) {
            try ToolDescriptor(json: .object(object))
        }
        object["extra"] = nil
        object["mode"] = "later"
        #expect(throws: WireDecodingError(
            code: .invalidValue, member: "mode", message: #"member "mode" must be "sync" or "async", got "later""#)) {
            try ToolDescriptor(json: .object(object))
        }
        object["mode"] = "sync"
        object["timeout_ms"] = 1.5
        #expect(throws: WireDecodingError.self) { try ToolDescriptor(json: .object(object)) }
        object["timeout_ms"] = 0
        #expect(throws: WireDecodingError(
            code: .invalidValue, member: "timeout_ms", message: #"member "timeout_ms" must be above 0, got 0"#)) {
            try ToolDescriptor(json: .object(object))
        }
        object["timeout_ms"] = 10
        object["input_schema"] = "nope"
        #expect(throws: WireDecodingError(
            code: .wrongType, member: "input_schema", message: #"member "input_schema" must be an object, got string"#)) {
            try ToolDescriptor(json: .object(object))
        }
        object["input_schema"] = [:]
        #expect(try ToolDescriptor(json: .object(object)).timeout == .milliseconds(10))
    }
}
