/// One JSON value and the member path it was found at, with strict typed reads.
///
/// Returned by `JSONObjectReader.member(_:)` and for array elements, so an
/// error deep inside arguments still names its place (`args.numbers[2]`).
public struct JSONValueReader {
    /// The value being read.
    public let value: JSONValue
    /// The value's full member path, e.g. `args.numbers[2]`.
    public let path: String

    /// Wraps a value found at `path`.
    public init(_ value: JSONValue, path: String) {
        self.value = value
        self.path = path
    }

    /// True for `null`.
    public var isNull: Bool { value.isNull }

    /// The string; any other type is `wrong_type`.
    public func string() throws(WireDecodingError) -> String {
        guard case .string(let text) = value else { throw .wrongType(path, expected: "a string", got: value) }
        return text
    }

    /// The exact integer; a float (even `1.0`) or a numeric string is `wrong_type`.
    public func integer() throws(WireDecodingError) -> JSONInteger {
        guard case .integer(let integer) = value else { throw .wrongType(path, expected: "an integer", got: value) }
        return integer
    }

    /// An integer that must fit `Int64` (`out_of_range` otherwise).
    public func int64() throws(WireDecodingError) -> Int64 {
        let integer = try integer()
        guard let result = integer.int64 else {
            throw WireDecodingError(
                code: .outOfRange, member: path,
                message: "member \"\(path)\" must fit in a 64-bit integer, got \(integer.text)")
        }
        return result
    }

    /// `true` or `false`.
    public func bool() throws(WireDecodingError) -> Bool {
        guard case .bool(let flag) = value else { throw .wrongType(path, expected: "a boolean", got: value) }
        return flag
    }

    /// Any number as `Double` (integer or float). An integer too large for a
    /// double is `out_of_range`.
    public func number() throws(WireDecodingError) -> Double {
        switch value {
        case .float(let number):
            return number
        case .integer(let integer):
            guard let number = Double(integer.text), number.isFinite else {
                throw WireDecodingError(
                    code: .outOfRange, member: path,
                    message: "member \"\(path)\" is too large for a double: \(integer.text)")
            }
            return number
        default:
            throw .wrongType(path, expected: "a number", got: value)
        }
    }

    /// The object.
    public func object() throws(WireDecodingError) -> JSONObject {
        guard case .object(let object) = value else { throw .wrongType(path, expected: "an object", got: value) }
        return object
    }

    /// A reader over the object, with this path as prefix.
    public func objectReader() throws(WireDecodingError) -> JSONObjectReader {
        JSONObjectReader(try object(), path: path)
    }

    /// The array's elements.
    public func array() throws(WireDecodingError) -> [JSONValue] {
        guard case .array(let elements) = value else { throw .wrongType(path, expected: "an array", got: value) }
        return elements
    }

    /// The array's elements, each with its path (`path[0]`, `path[1]`, …).
    public func elements() throws(WireDecodingError) -> [JSONValueReader] {
        try array().enumerated().map { JSONValueReader($1, path: "\(path)[\($0)]") }
    }

    /// Decodes every element with `decode`, which sees each element's path.
    public func array<Element>(
        _ decode: (JSONValueReader) throws(WireDecodingError) -> Element
    ) throws(WireDecodingError) -> [Element] {
        let elements = try array()
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            result.append(try decode(JSONValueReader(element, path: "\(path)[\(index)]")))
        }
        return result
    }
}
