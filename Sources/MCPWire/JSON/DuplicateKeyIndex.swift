/// Detects repeated object keys by UTF-8 bytes: a linear scan for the small
/// objects envelopes are made of, a hash set once an object grows large.
struct DuplicateKeyIndex {
    /// Above this many members, switch from scanning to hashing.
    static let scanLimit = 12
    private var set: Set<ByteKey>?

    /// Records `key`; returns false if it was already among `members`.
    mutating func insert(_ key: String, members: [(key: String, value: JSONValue)]) -> Bool {
        if set == nil {
            if members.count < DuplicateKeyIndex.scanLimit {
                return !members.contains { JSONObject.sameKey($0.key, key) }
            }
            set = Set(members.map { ByteKey(key: $0.key) })
        }
        return set!.insert(ByteKey(key: key)).inserted
    }

    /// A key hashed and compared by its UTF-8 bytes (never canonical equivalence).
    struct ByteKey: Hashable {
        let key: String

        static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
            JSONObject.sameKey(lhs.key, rhs.key)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(key.utf8.count)
            for byte in key.utf8 { hasher.combine(byte) }
        }
    }
}
