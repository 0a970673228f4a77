/// The canonical bytes mcp/0.1 signs: exactly Python's
/// `json.dumps(obj, sort_keys=True, separators=(",", ":"))`.
///
/// Pure ASCII, no whitespace, object keys sorted by Unicode code point (UTF-8
/// byte order) at every depth, `ensure_ascii` escapes with lower-case hex and
/// surrogate pairs for astral scalars, integers as their exact text, floats
/// laid out like Python's `float.__repr__`. See the vectors README §3.
public enum CanonicalJSON {
    /// The canonical encoding of `value`.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        write(value, into: &buffer)
        return buffer
    }

    /// The canonical encoding as a `String` (always ASCII).
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// Appends the canonical encoding of `value` to `buffer`, so callers can
    /// build larger outputs without intermediate arrays.
    ///
    /// Non-finite floats cannot come from the parser; if code builds one, it is
    /// written the way Python writes it (`NaN`, `Infinity`, `-Infinity`), which
    /// is not JSON: do not put them in responses.
    public static func write(_ value: JSONValue, into buffer: inout [UInt8]) {
        switch value {
        case .null:
            buffer.append(contentsOf: nullWord)
        case .bool(let flag):
            buffer.append(contentsOf: flag ? trueWord : falseWord)
        case .integer(let integer):
            buffer.append(contentsOf: integer.text.utf8)
        case .float(let number):
            writeFloat(number, into: &buffer)
        case .string(let text):
            writeString(text, into: &buffer)
        case .array(let elements):
            buffer.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                write(element, into: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let object):
            writeObject(object, into: &buffer)
        }
    }

    /// Writes `{…}` with members sorted by key bytes; skips the sort when the
    /// members are already in order.
    static func writeObject(_ object: JSONObject, into buffer: inout [UInt8]) {
        var members = object.members
        if !isSorted(members) {
            members.sort { keyPrecedes($0.key, $1.key) }
        }
        buffer.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            writeString(member.key, into: &buffer)
            buffer.append(UInt8(ascii: ":"))
            write(member.value, into: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// Code point order, which equals UTF-8 byte order (not UTF-16 order).
    @inline(__always)
    static func keyPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    private static func isSorted(_ members: [(key: String, value: JSONValue)]) -> Bool {
        var index = 1
        while index < members.count {
            guard keyPrecedes(members[index - 1].key, members[index].key) else { return false }
            index += 1
        }
        return true
    }

    static let nullWord: [UInt8] = Array("null".utf8)
    static let trueWord: [UInt8] = Array("true".utf8)
    static let falseWord: [UInt8] = Array("false".utf8)
}
