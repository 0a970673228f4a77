/// Typed views of a value, each `nil` when the value is of another kind.
/// None of them coerce: `"1"` has no `int64Value`, `1.0` has no `int64Value`.
extension JSONValue {
    /// The string, if this is `.string`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object, if this is `.object`.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, if this is `.array`.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is `.bool`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The exact integer, if this is `.integer`.
    public var integerValue: JSONInteger? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The integer as `Int64`, if this is `.integer` and it fits.
    public var int64Value: Int64? {
        if case .integer(let value) = self { return value.int64 }
        return nil
    }

    /// Any number as `Double`: a float as is, an integer rounded to the
    /// nearest double (infinite beyond the double range; `JSONValueReader.number()`
    /// rejects that). For arithmetic on tool arguments such as `batch_sum`.
    public var doubleValue: Double? {
        switch self {
        case .float(let value): return value
        case .integer(let value): return Double(value.text)
        default: return nil
        }
    }

    /// True for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
