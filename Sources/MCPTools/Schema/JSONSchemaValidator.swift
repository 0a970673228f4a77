import MCPWire

/// Validates JSON values against JSON Schema (the draft 2020-12 subset tool
/// arguments use), reporting violations with the path of their value.
///
/// Supported keywords: `type` (a name or an array of names: `object`,
/// `array`, `string`, `integer`, `number`, `boolean`, `null`), `enum`,
/// `const`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
/// `minLength`, `maxLength` (counted in Unicode scalars), `items`,
/// `minItems`, `maxItems`, `properties`, `required` and
/// `additionalProperties` (a boolean or a schema); `true` and `false` are
/// schemas too. Annotations (`title`, `description`, `default`, `$schema`,
/// `examples`, …) and unknown keywords are ignored, as the specification says.
///
/// Two deliberate differences from the specification, matching mcp/0.1's
/// "no coercion" rule: `integer` accepts only JSON integers (`1.0` is a
/// number, not an integer), and numbers compare exactly at any size
/// (`18446744073709551616` is above `18446744073709551615`). A malformed
/// schema fails closed: it is reported as a violation with keyword `schema`.
///
/// ```swift
/// let problems = JSONSchemaValidator.validate(args, against: BatchSumTool.Arguments.schema)
/// // [args.numbers[1] must be a number, got string]
/// ```
public struct JSONSchemaValidator: Sendable {
    /// The most violations ``validate(_:against:path:limit:)`` reports by default.
    public static let defaultLimit = 16

    /// The violations of `schema` by `value`, in document order, at most
    /// `limit` of them (the walk stops there: a value with a million bad
    /// elements never builds a million messages); empty when the value is
    /// valid. `path` names `value` itself in the messages.
    public static func validate(_ value: JSONValue, against schema: JSONValue, path: String = "args", limit: Int = defaultLimit) -> [SchemaViolation] {
        var violations = ViolationSink(limit: limit)
        check(value, against: schema, at: path, into: &violations)
        return violations.kept
    }

    /// The first violation, or `nil` when the value is valid: what the gateway
    /// reports in an `invalid_args` error. Stops at the first one.
    public static func firstViolation(_ value: JSONValue, against schema: JSONValue, path: String = "args") -> SchemaViolation? {
        validate(value, against: schema, path: path, limit: 1).first
    }

    /// Whether `value` satisfies `schema`. Stops at the first violation.
    public static func isValid(_ value: JSONValue, against schema: JSONValue) -> Bool {
        firstViolation(value, against: schema) == nil
    }

    /// Appends the violations of `schema` (any schema form) by `value` at `path`.
    static func check(_ value: JSONValue, against schema: JSONValue, at path: String, into violations: inout ViolationSink) {
        switch schema {
        case .bool(true):
            return
        case .bool(false):
            violations.add(SchemaViolation(path: path, message: "is not allowed", keyword: "false"))
        case .object(let keywords):
            checkKeywords(value, keywords, at: path, into: &violations)
        default:
            violations.add(schemaError(at: path, "a schema must be an object or a boolean, got \(schema.typeName)"))
        }
    }

    /// Applies every supported keyword of an object schema.
    static func checkKeywords(_ value: JSONValue, _ schema: JSONObject, at path: String, into violations: inout ViolationSink) {
        if let type = schema["type"] {
            checkType(value, type, at: path, into: &violations)
        }
        checkEnumAndConst(value, schema, at: path, into: &violations)
        guard !violations.isFull else { return }
        switch value {
        case .integer, .float:
            checkBounds(value, schema, at: path, into: &violations)
        case .string(let text):
            checkLength(text, schema, at: path, into: &violations)
        case .array(let elements):
            checkArray(elements, schema, at: path, into: &violations)
        case .object(let object):
            checkObject(object, schema, at: path, into: &violations)
        case .null, .bool:
            break
        }
    }

    /// A violation reporting that the schema itself is malformed at `path`.
    static func schemaError(at path: String, _ problem: String) -> SchemaViolation {
        SchemaViolation(path: path, message: "cannot be checked: invalid schema: \(problem)", keyword: "schema")
    }
}
