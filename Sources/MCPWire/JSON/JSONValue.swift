/// A parsed or built JSON value that keeps everything mcp/0.1 signs.
///
/// Integers and floats are separate kinds (`1` and `1.0` sign differently),
/// integers are exact at any size, and strings are compared by Unicode
/// scalars rather than canonical equivalence. Build values with literals:
/// `["count": 4, "total": 16.5, "tags": ["a"], "next": nil]`.
public enum JSONValue: Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number token without `.`, `e` or `E`: an exact integer of any size.
    case integer(JSONInteger)
    /// A number token with `.`, `e` or `E`: an IEEE-754 binary64 value.
    case float(Double)
    /// A string: a sequence of Unicode scalars, never normalized.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object, members in wire order.
    case object(JSONObject)
}

extension JSONValue: Equatable {
    /// Structural equality that matches the canonical form: strings and keys
    /// compare by Unicode scalars (NFC and NFD differ), integers by exact value,
    /// floats by bit pattern (`0.0` and `-0.0` differ, as they canonicalize
    /// differently), an integer never equals a float, objects ignore order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case let (.bool(a), .bool(b)):
            return a == b
        case let (.integer(a), .integer(b)):
            return a == b
        case let (.float(a), .float(b)):
            return a.bitPattern == b.bitPattern
        case let (.string(a), .string(b)):
            return JSONObject.sameKey(a, b)
        case let (.array(a), .array(b)):
            return a == b
        case let (.object(a), .object(b)):
            return a == b
        default:
            return false
        }
    }
}

extension JSONValue {
    /// The JSON type name used in error messages: `null`, `boolean`,
    /// `integer`, `float`, `string`, `array` or `object`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .float: "float"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
