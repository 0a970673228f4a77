import MCPWire

extension JSONSchemaValidator {
    /// The type names `type` may use.
    static let typeNames: Set<String> = ["object", "array", "string", "integer", "number", "boolean", "null"]

    /// `type`: a name or a non-empty array of names; the value must match one.
    static func checkType(_ value: JSONValue, _ type: JSONValue, at path: String, into violations: inout ViolationSink) {
        let names: [String]
        switch type {
        case .string(let name):
            names = [name]
        case .array(let elements):
            let strings = elements.compactMap(\.stringValue)
            guard strings.count == elements.count, !strings.isEmpty else {
                violations.add(schemaError(at: path, "\"type\" must be a type name or a non-empty array of them"))
                return
            }
            names = strings
        default:
            violations.add(schemaError(at: path, "\"type\" must be a type name or an array of them, got \(type.typeName)"))
            return
        }
        if let unknown = names.first(where: { !typeNames.contains($0) }) {
            violations.add(schemaError(at: path, "unknown type \"\(unknown)\""))
            return
        }
        guard !names.contains(where: { matches(value, typeName: $0) }) else { return }
        let expected = names.map(withArticle).joined(separator: " or ")
        violations.add(SchemaViolation(path: path, message: "must be \(expected), got \(describeKind(value))", keyword: "type"))
    }

    /// Whether `value` is of JSON Schema type `typeName`. `integer` takes
    /// JSON integers only; `number` takes integers and floats.
    static func matches(_ value: JSONValue, typeName: String) -> Bool {
        switch (typeName, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .integer), ("number", .integer), ("number", .float),
            ("string", .string), ("array", .array), ("object", .object):
            true
        default:
            false
        }
    }

    /// `an integer`, `a string`, `null`: a type name as the object of "must be".
    static func withArticle(_ typeName: String) -> String {
        switch typeName {
        case "null": "null"
        case "integer", "object", "array": "an \(typeName)"
        default: "a \(typeName)"
        }
    }

    /// The value's kind in schema terms, with the value when it is a short
    /// scalar: `string`, `number 1.5`, `integer 21`, `boolean true`, `null`.
    /// Strings are never echoed (they may be long or private).
    static func describeKind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): "boolean \(flag)"
        case .integer: "integer \(abbreviated(value))"
        case .float: "number \(abbreviated(value))"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The canonical JSON of `value`, cut to about 80 characters.
    static func abbreviated(_ value: JSONValue) -> String {
        let text = CanonicalJSON.string(value)
        guard text.count > 80 else { return text }
        return String(text.prefix(77)) + "..."
    }
}
