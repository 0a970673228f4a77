import Logging
// The tool of docs/tools.md ("Adding a tool"): the page's code block is a verbatim copy of
// the lines from `import MCPTools` to the struct's end (DocumentationTests checks it), so
// the page cannot drift from the API.
import Testing
import MCPTools
import MCPWire

/// `reverse_text`: reverses a string.
public struct ReverseTextTool: Tool {
    public struct Arguments: ToolArguments {
        public let text: String
        public static let schema: JSONValue = [
            "type": "object",
            "properties": ["text": ["type": "string", "maxLength": 10000]],
            "required": ["text"], "additionalProperties": false,
        ]
        public init(from reader: JSONObjectReader) throws {
            text = try reader.string("text")
            try reader.finish()  // rejects members the schema does not name
        }
    }

    public static let name = "reverse_text"
    public static let description = "Reverses a string."
    public static let mode = ToolMode.sync          // .async answers `accepted` at once
    public static let timeout: Duration = .seconds(5) // a timed-out job ends `error` with code `timeout`

    public init() {}

    public func run(_ arguments: Arguments, context: ToolContext) async throws -> JSONObject {
        await context.reportProgress(0.5, message: "reversing")  // polls see progress; cancellation arrives as task cancellation
        return ["reversed": .string(String(arguments.text.reversed()))]
    }
}

@Suite("docs/tools.md's example tool")
struct DocumentedToolTests {
    @Test func runsThroughARegistry() async throws {
        let registry = ToolRegistry([ReverseTextTool()])
        let context = ToolContext(jobID: "j", clientID: "c", requestID: "r", logger: .init(label: "test"))
        let result = try await registry.run(name: "reverse_text", arguments: ["text": "abc"], context: context)
        #expect(result == ["reversed": "cba"])
        #expect(registry.descriptor(named: "reverse_text")?.timeout == .seconds(5))
        await #expect(throws: ToolError.self) {
            try await registry.run(name: "reverse_text", arguments: ["text": "abc", "extra": 1], context: context)
        }
    }
}
