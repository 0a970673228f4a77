/// Strict, typed reading of a JSON object's members, with full member paths.
///
/// Every read marks its member as used; `finish()` then rejects any member
/// nobody asked for (`extra_member`), which is how envelopes and tool
/// arguments refuse unknown fields. There is no coercion: `"123"` is not an
/// integer and `1.0` is not an integer. Keys are matched by UTF-8 bytes.
///
/// ```swift
/// let reader = JSONObjectReader(envelope.args, path: "args")
/// let numbers = try reader.array("numbers") { try $0.number() }
/// try reader.finish()
/// ```
public struct JSONObjectReader {
    /// The object being read.
    public let object: JSONObject
    /// The object's own path (`""` for the top level, `args`, `clients.billing`).
    public let path: String
    /// Which members have been read (shared so reads work on a `let` reader).
    private let used: UsedMembers

    /// Reads `object`, whose members' paths start with `path`.
    public init(_ object: JSONObject, path: String = "") {
        self.object = object
        self.path = path
        self.used = UsedMembers(count: object.count)
    }

    /// Reads a value that must be an object: `not_an_object` at the top level
    /// (empty `path`), `wrong_type` naming `path` otherwise.
    public init(json value: JSONValue, path: String = "") throws(WireDecodingError) {
        guard case .object(let object) = value else {
            if path.isEmpty { throw .notAnObject(value) }
            throw .wrongType(path, expected: "an object", got: value)
        }
        self.init(object, path: path)
    }

    /// The full path of member `key`, e.g. `args.numbers`.
    public func memberPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// A required member of any type (`null` included); `missing_member` if absent.
    public func member(_ key: String) throws(WireDecodingError) -> JSONValueReader {
        guard let index = object.index(forKey: key) else { throw .missing(memberPath(key)) }
        used.flags[index] = true
        return JSONValueReader(object.members[index].value, path: memberPath(key))
    }

    /// An optional member: `nil` when absent or `null`.
    public func optionalMember(_ key: String) -> JSONValueReader? {
        guard let index = object.index(forKey: key) else { return nil }
        used.flags[index] = true
        let value = object.members[index].value
        return value.isNull ? nil : JSONValueReader(value, path: memberPath(key))
    }

    /// Whether the object has member `key` (does not mark it as read).
    public func contains(_ key: String) -> Bool {
        object.index(forKey: key) != nil
    }

    /// Rejects the first member that no read asked for (`extra_member`).
    public func finish() throws(WireDecodingError) {
        if let index = used.flags.firstIndex(of: false) {
            throw .extra(memberPath(object.members[index].key))
        }
    }
}

extension JSONObjectReader {
    /// A required string.
    public func string(_ key: String) throws(WireDecodingError) -> String {
        try member(key).string()
    }

    /// An optional string (`nil` when absent or `null`).
    public func optionalString(_ key: String) throws(WireDecodingError) -> String? {
        try optionalMember(key)?.string()
    }

    /// A required exact integer.
    public func integer(_ key: String) throws(WireDecodingError) -> JSONInteger {
        try member(key).integer()
    }

    /// An optional exact integer.
    public func optionalInteger(_ key: String) throws(WireDecodingError) -> JSONInteger? {
        try optionalMember(key)?.integer()
    }

    /// A required integer that fits `Int64`.
    public func int64(_ key: String) throws(WireDecodingError) -> Int64 {
        try member(key).int64()
    }

    /// An optional integer that fits `Int64`.
    public func optionalInt64(_ key: String) throws(WireDecodingError) -> Int64? {
        try optionalMember(key)?.int64()
    }

    /// A required boolean.
    public func bool(_ key: String) throws(WireDecodingError) -> Bool {
        try member(key).bool()
    }

    /// An optional boolean.
    public func optionalBool(_ key: String) throws(WireDecodingError) -> Bool? {
        try optionalMember(key)?.bool()
    }

    /// A required number (integer or float) as `Double`.
    public func number(_ key: String) throws(WireDecodingError) -> Double {
        try member(key).number()
    }

    /// An optional number as `Double`.
    public func optionalNumber(_ key: String) throws(WireDecodingError) -> Double? {
        try optionalMember(key)?.number()
    }

    /// A required object.
    public func object(_ key: String) throws(WireDecodingError) -> JSONObject {
        try member(key).object()
    }

    /// An optional object.
    public func optionalObject(_ key: String) throws(WireDecodingError) -> JSONObject? {
        try optionalMember(key)?.object()
    }

    /// A reader over a required nested object (paths continue: `args.options.x`).
    public func objectReader(_ key: String) throws(WireDecodingError) -> JSONObjectReader {
        try member(key).objectReader()
    }

    /// A required array.
    public func array(_ key: String) throws(WireDecodingError) -> [JSONValue] {
        try member(key).array()
    }

    /// An optional array.
    public func optionalArray(_ key: String) throws(WireDecodingError) -> [JSONValue]? {
        try optionalMember(key)?.array()
    }

    /// A required array whose elements are decoded by `decode`; errors name
    /// the element (`args.numbers[2]`).
    public func array<Element>(
        _ key: String, _ decode: (JSONValueReader) throws(WireDecodingError) -> Element
    ) throws(WireDecodingError) -> [Element] {
        try member(key).array(decode)
    }
}

/// The read marks of one `JSONObjectReader`; a class so that reads through a
/// `let` reader (and copies of it) share them.
private final class UsedMembers {
    var flags: [Bool]

    init(count: Int) {
        flags = Array(repeating: false, count: count)
    }
}
