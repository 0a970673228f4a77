import MCPWire

extension JSONSchemaValidator {
    /// `enum` (the value equals one of the listed values) and `const` (the
    /// value equals the given one). Numbers are equal by value (`1` = `1.0`).
    static func checkEnumAndConst(_ value: JSONValue, _ schema: JSONObject, at path: String, into violations: inout ViolationSink) {
        if let options = schema["enum"] {
            if let options = options.arrayValue {
                if !options.contains(where: { schemaEqual(value, $0) }) {
                    let listed = abbreviatedList(options)
                    violations.add(SchemaViolation(path: path, message: "must be one of \(listed)", keyword: "enum"))
                }
            } else {
                violations.add(schemaError(at: path, "\"enum\" must be an array, got \(options.typeName)"))
            }
        }
        if let constant = schema["const"], !schemaEqual(value, constant) {
            violations.add(SchemaViolation(path: path, message: "must be \(abbreviated(constant))", keyword: "const"))
        }
    }

    /// JSON Schema equality: numbers by mathematical value, strings by Unicode
    /// scalars, arrays element by element, objects by members in any order.
    static func schemaEqual(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.integer, .integer), (.integer, .float), (.float, .integer), (.float, .float):
            return NumberOrder.compare(lhs, rhs) == 0
        case let (.array(a), .array(b)):
            return a.count == b.count && zip(a, b).allSatisfy { schemaEqual($0, $1) }
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            return a.members.allSatisfy { member in
                b[member.key].map { schemaEqual(member.value, $0) } ?? false
            }
        default:
            return lhs == rhs
        }
    }

    /// `"a", "b" or 3`, cut to about 200 characters.
    static func abbreviatedList(_ values: [JSONValue]) -> String {
        var parts = values.map(abbreviated)
        if parts.count > 1 {
            let last = parts.removeLast()
            let text = parts.joined(separator: ", ") + " or " + last
            return text.count > 200 ? String(text.prefix(197)) + "..." : text
        }
        return parts.first ?? "(nothing: the enum is empty)"
    }
}
