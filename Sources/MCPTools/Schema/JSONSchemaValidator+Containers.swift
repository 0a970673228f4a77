import MCPWire

extension JSONSchemaValidator {
    /// `minItems`, `maxItems`, and `items` (a schema every element must satisfy).
    static func checkArray(_ elements: [JSONValue], _ schema: JSONObject, at path: String, into violations: inout ViolationSink) {
        if let minItems = limit("minItems", in: schema, at: path, into: &violations), elements.count < minItems {
            let message = "must have at least \(items(minItems)), got \(elements.count)"
            violations.add(SchemaViolation(path: path, message: message, keyword: "minItems"))
        }
        if let maxItems = limit("maxItems", in: schema, at: path, into: &violations), elements.count > maxItems {
            let message = "must have at most \(items(maxItems)), got \(elements.count)"
            violations.add(SchemaViolation(path: path, message: message, keyword: "maxItems"))
        }
        if let itemSchema = schema["items"] {
            for (index, element) in elements.enumerated() {
                if violations.isFull { return }
                check(element, against: itemSchema, at: "\(path)[\(index)]", into: &violations)
            }
        }
    }

    /// `required`, then each member in order against its `properties` schema
    /// or, when it has none, `additionalProperties`.
    static func checkObject(_ object: JSONObject, _ schema: JSONObject, at path: String, into violations: inout ViolationSink) {
        if let required = schema["required"] {
            let names = required.arrayValue?.compactMap(\.stringValue)
            if let names, names.count == required.arrayValue?.count {
                for name in names where object[name] == nil && !violations.isFull {
                    violations.add(SchemaViolation(path: member(path, name), message: "is required", keyword: "required"))
                }
            } else {
                violations.add(schemaError(at: path, "\"required\" must be an array of strings"))
            }
        }
        var properties = JSONObject()
        if let raw = schema["properties"] {
            if let object = raw.objectValue {
                properties = object
            } else {
                violations.add(schemaError(at: path, "\"properties\" must be an object, got \(raw.typeName)"))
            }
        }
        let additional = schema["additionalProperties"]
        for (key, value) in object.members {
            if violations.isFull { return }
            let memberPath = member(path, key)
            if let propertySchema = properties[key] {
                check(value, against: propertySchema, at: memberPath, into: &violations)
            } else if case .bool(false)? = additional {
                let allowed = properties.keys.isEmpty ? "it takes no members" : "allowed: " + properties.keys.joined(separator: ", ")
                let message = "is not an allowed member (\(allowed))"
                violations.add(SchemaViolation(path: memberPath, message: message, keyword: "additionalProperties"))
            } else if let additional {
                check(value, against: additional, at: memberPath, into: &violations)
            }
        }
    }

    /// The path of member `key` of the value at `path`: `args.numbers`.
    static func member(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// `1 item`, `3 items`.
    private static func items(_ count: Int) -> String {
        count == 1 ? "1 item" : "\(count) items"
    }
}
