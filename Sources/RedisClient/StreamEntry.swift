/// One stream entry: its id and its field/value pairs in order.
public struct StreamEntry: Sendable, Equatable {
    /// The entry id, e.g. `1700000000000-0`.
    public let id: String
    /// Field/value pairs in the order they were added.
    public let fields: [StreamField]

    /// Creates an entry.
    public init(id: String, fields: [StreamField]) {
        self.id = id
        self.fields = fields
    }

    /// The value of the first field with this name.
    public subscript(field: String) -> String? {
        fields.first { $0.name == field }?.value
    }

    /// How many fields have this name (a producer may write one twice).
    public func count(of field: String) -> Int {
        fields.reduce(0) { $0 + ($1.name == field ? 1 : 0) }
    }

    /// Decodes `[id, [field, value, …]]`; a deleted entry (nil fields) has no fields.
    public static func decode(_ value: RedisValue) throws(RedisError) -> StreamEntry {
        guard let pair = value.array, pair.count == 2, let id = pair[0].string else {
            throw RedisError(code: .unexpectedReply, message: "expected a stream entry [id, fields], got \(value.shape)")
        }
        guard let flat = pair[1].array else { return StreamEntry(id: id, fields: []) }
        var fields = [StreamField]()
        fields.reserveCapacity(flat.count / 2)
        var index = 0
        while index + 1 < flat.count {
            fields.append(StreamField(decodingName: flat[index], value: flat[index + 1]))
            index += 2
        }
        return StreamEntry(id: id, fields: fields)
    }

    /// Decodes an array of entries.
    public static func decodeList(_ value: RedisValue) throws(RedisError) -> [StreamEntry] {
        guard let list = value.array else {
            if value.isNull { return [] }
            throw RedisError(code: .unexpectedReply, message: "expected a list of stream entries, got \(value.shape)")
        }
        var entries = [StreamEntry]()
        entries.reserveCapacity(list.count)
        for item in list { entries.append(try decode(item)) }
        return entries
    }
}

/// One field of a stream entry.
public struct StreamField: Sendable, Equatable {
    /// The field name.
    public let name: String
    /// The field value (text; envelopes and ids are UTF-8).
    public let value: String
    /// Whether the value Redis held was valid UTF-8; if not, ``value`` has U+FFFD where the bad bytes were,
    /// and a reader that must see the exact bytes (an envelope to verify) refuses it.
    public let isValidUTF8: Bool

    /// Creates a field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
        self.isValidUTF8 = true
    }

    /// Decodes a field/value pair as Redis sent it, noting a value that is not valid UTF-8.
    init(decodingName name: RedisValue, value: RedisValue) {
        self.name = name.string ?? ""
        guard case .bulk(let bytes) = value else {
            self.value = value.string ?? ""
            self.isValidUTF8 = true
            return
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            self.value = text
            self.isValidUTF8 = true
        } else {
            self.value = String(decoding: bytes, as: UTF8.self)
            self.isValidUTF8 = false
        }
    }
}
