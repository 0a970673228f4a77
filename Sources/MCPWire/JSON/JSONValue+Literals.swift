/// Literal conformances so responses and test values read like JSON.
extension JSONValue: ExpressibleByNilLiteral {
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) {
        self = .null
    }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// `true` / `false`.
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// An integer literal is an exact JSON integer (never a float).
    public init(integerLiteral value: Int64) {
        self = .integer(JSONInteger(value))
    }
}

extension JSONValue: ExpressibleByFloatLiteral {
    /// A float literal is a JSON float, so `1.0` stays `1.0` on the wire.
    public init(floatLiteral value: Double) {
        self = .float(value)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// A string literal, kept scalar for scalar.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// An array literal, in order.
    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal becomes an object in the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}
