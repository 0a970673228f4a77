import MCPWire

extension JSONSchemaValidator {
    /// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, compared
    /// exactly (see `NumberOrder`).
    static func checkBounds(_ value: JSONValue, _ schema: JSONObject, at path: String, into violations: inout ViolationSink) {
        for (keyword, passing, phrase) in boundRules {
            guard let bound = schema[keyword] else { continue }
            guard let order = NumberOrder.compare(value, bound) else {
                violations.add(schemaError(at: path, "\"\(keyword)\" must be a number, got \(bound.typeName)"))
                continue
            }
            if !passing.contains(order) {
                let message = "must be \(phrase) \(abbreviated(bound)), got \(abbreviated(value))"
                violations.add(SchemaViolation(path: path, message: message, keyword: keyword))
            }
        }
    }

    /// (keyword, orders that pass, phrase), built once rather than per number checked.
    private static let boundRules: [(String, Set<Int>, String)] = [
        ("minimum", [0, 1], "at least"),
        ("maximum", [-1, 0], "at most"),
        ("exclusiveMinimum", [1], "greater than"),
        ("exclusiveMaximum", [-1], "less than"),
    ]

    /// `minLength` and `maxLength`, counting Unicode scalars (what JSON
    /// Schema calls characters), so `"é"` written as `e` + U+0301 is two.
    static func checkLength(_ text: String, _ schema: JSONObject, at path: String, into violations: inout ViolationSink) {
        let minLength = limit("minLength", in: schema, at: path, into: &violations)
        let maxLength = limit("maxLength", in: schema, at: path, into: &violations)
        guard minLength != nil || maxLength != nil else { return }
        let length = text.unicodeScalars.count
        if let minLength, length < minLength {
            let message = "must be at least \(characters(minLength)) long, got \(length)"
            violations.add(SchemaViolation(path: path, message: message, keyword: "minLength"))
        }
        if let maxLength, length > maxLength {
            let message = "must be at most \(characters(maxLength)) long, got \(length)"
            violations.add(SchemaViolation(path: path, message: message, keyword: "maxLength"))
        }
    }

    /// The non-negative integer of count keyword `keyword`, or `nil` when
    /// absent; a malformed one is reported and ignored. Counts beyond `Int`
    /// saturate (nothing in memory is that long).
    static func limit(_ keyword: String, in schema: JSONObject, at path: String, into violations: inout ViolationSink) -> Int? {
        guard let raw = schema[keyword] else { return nil }
        guard case .integer(let integer) = raw, !integer.isNegative else {
            violations.add(schemaError(at: path, "\"\(keyword)\" must be a non-negative integer, got \(abbreviated(raw))"))
            return nil
        }
        return integer.int64.map { Int($0) } ?? Int.max
    }

    /// `1 character`, `3 characters`.
    private static func characters(_ count: Int) -> String {
        count == 1 ? "1 character" : "\(count) characters"
    }
}
