import MCPWire

/// Arguments of a tool that takes none: `args` must be `{}`.
public struct NoArguments: ToolArguments, Equatable {
    /// `{"type":"object","properties":{},"additionalProperties":false}`.
    public static let schema: JSONValue = [
        "type": "object",
        "properties": [:],
        "additionalProperties": false,
    ]

    /// The (only) value.
    public init() {}

    /// Accepts only an empty object.
    public init(from reader: JSONObjectReader) throws {
        try reader.finish()
    }
}
