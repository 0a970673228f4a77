import MCPWire

/// A tool's arguments: a JSON Schema for the gateway and a strict decoder
/// for the worker.
///
/// The schema is what the gateway validates `args` against before it accepts
/// a job (`invalid_args`, 422); the decoder is the worker's own check and
/// must agree with it. Decode every member with `reader` and end with
/// `try reader.finish()`, so unknown members are rejected.
public protocol ToolArguments: Sendable {
    /// A JSON Schema object (the draft 2020-12 subset `JSONSchemaValidator`
    /// implements) describing the `args` object.
    static var schema: JSONValue { get }

    /// Decodes the `args` object strictly. Errors name the member by its full
    /// path (`args.numbers[2]`); throw `WireDecodingError` or `ToolError`.
    init(from reader: JSONObjectReader) throws
}
