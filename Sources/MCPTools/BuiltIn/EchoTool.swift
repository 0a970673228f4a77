import MCPWire

/// `echo`: returns its message (and `data`, when given) unchanged; a no-op
/// sync tool for checks and benchmarks.
public struct EchoTool: Tool {
    /// `{"message": string, "data"?: any JSON}`.
    public struct Arguments: ToolArguments, Equatable {
        /// The longest message, in Unicode scalars.
        public static let maxMessageLength = 65536

        /// Echoed back as `message`.
        public let message: String
        /// Echoed back as `data` when present (`null` included); `nil` when absent.
        public let data: JSONValue?

        /// `message` a string of at most 65536 characters (required); `data` any JSON value.
        public static let schema: JSONValue = [
            "type": "object",
            "properties": [
                "message": [
                    "type": "string",
                    "maxLength": .integer(JSONInteger(Int64(maxMessageLength))),
                    "description": "Returned unchanged.",
                ],
                "data": [
                    "description": "Any JSON value, returned unchanged.",
                ],
            ],
            "required": ["message"],
            "additionalProperties": false,
        ]

        /// Arguments echoing `message` and, if not `nil`, `data`.
        public init(message: String, data: JSONValue? = nil) {
            self.message = message
            self.data = data
        }

        /// Decodes `message` (at most 65536 characters) and the optional `data`.
        public init(from reader: JSONObjectReader) throws {
            let message = try reader.string("message")
            let length = message.unicodeScalars.count
            guard length <= Self.maxMessageLength else {
                let path = reader.memberPath("message")
                throw WireDecodingError(
                    code: .invalidValue, member: path,
                    message: "member \"\(path)\" must be at most \(Self.maxMessageLength) characters long, got \(length)")
            }
            var data: JSONValue?
            if reader.contains("data") { data = try reader.member("data").value }
            try reader.finish()
            self.init(message: message, data: data)
        }
    }

    /// `echo`.
    public static let name = "echo"
    /// Bounded and linear in its input: runs on the job's own task (no thread hop).
    public static let runsInline = true
    /// Catalog text.
    public static let description = "Returns its message (and data) unchanged."
    /// Answered inline.
    public static let mode = ToolMode.sync

    /// The tool.
    public init() {}

    /// `{"message": …, "data": …}`, `data` only when it was given.
    public func run(_ arguments: Arguments, context: ToolContext) async throws -> JSONObject {
        var result: JSONObject = ["message": .string(arguments.message)]
        if let data = arguments.data { result["data"] = data }
        return result
    }
}
