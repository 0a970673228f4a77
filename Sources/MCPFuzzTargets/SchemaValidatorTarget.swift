#if DEBUG || MCP_FUZZING
@testable import MCPGateway
import MCPTools
import MCPWire

/// The JSON Schema validator. The input is a schema, a newline, and an
/// instance; the instance (or the whole input when there is no newline) is
/// also checked against the real schemas — the gateway's control tools and
/// the built-in worker tools — and decoded by each built-in tool's strict
/// argument decoder, which must agree with its schema. A schema that is a
/// catalog descriptor must survive its own JSON.
enum SchemaValidatorTarget {
    static func run(_ bytes: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        let parts = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false)
        let instanceBytes = parts.count == 2 ? Array(parts[1]) : bytes
        guard let instance = try? JSONParser.parse(instanceBytes) else { return .rejected("malformed_instance") }
        try checkRealSchemas(instance)
        guard parts.count == 2 else { return .accepted }
        guard let schema = try? JSONParser.parse(Array(parts[0])) else { return .rejected("malformed_schema") }
        if let descriptor = try? ToolDescriptor(json: schema) {
            guard (try? ToolDescriptor(json: descriptor.json())) == descriptor else {
                throw FuzzFailure(.schema, "a tool descriptor does not survive its own JSON")
            }
        }
        return try check(instance, against: schema)
    }

    /// All violations, the first one, and the yes/no answer must agree.
    static func check(_ instance: JSONValue, against schema: JSONValue) throws(FuzzFailure) -> FuzzOutcome {
        let violations = JSONSchemaValidator.validate(instance, against: schema, path: "args")
        let first = JSONSchemaValidator.firstViolation(instance, against: schema, path: "args")
        guard first == violations.first, JSONSchemaValidator.isValid(instance, against: schema) == violations.isEmpty else {
            throw FuzzFailure(.schema, "validate, firstViolation and isValid disagree")
        }
        for violation in violations { _ = violation.description }
        return first.map { .rejected($0.keyword) } ?? .accepted
    }

    static func checkRealSchemas(_ instance: JSONValue) throws(FuzzFailure) {
        for control in ControlTool.allCases {
            _ = try check(instance, against: control.descriptor.inputSchema)
        }
        for tool in ToolRegistry.builtIn.tools {
            try checkDecoder(tool, instance)
        }
    }

    /// The worker's strict decoder accepts exactly what the gateway's schema accepts.
    static func checkDecoder<T: Tool>(_: T, _ instance: JSONValue) throws(FuzzFailure) {
        let schemaAccepts = try check(instance, against: T.Arguments.schema) == .accepted
        guard case .object(let object) = instance else { return }
        var decoderAccepts = true
        do {
            _ = try T.Arguments(from: JSONObjectReader(object, path: "args"))
        } catch {
            decoderAccepts = false
        }
        guard schemaAccepts == decoderAccepts else {
            throw FuzzFailure(.schema, "\(T.name): the schema \(schemaAccepts ? "accepts" : "refuses") arguments its decoder \(decoderAccepts ? "accepts" : "refuses")")
        }
    }
}
#endif
