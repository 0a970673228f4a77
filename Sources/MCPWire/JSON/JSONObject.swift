/// A JSON object: members in wire order, keys compared by their UTF-8 bytes.
///
/// Swift `String` equality and `Dictionary` use canonical equivalence, so the
/// NFC key `"é"` and the NFD key `"e\u{301}"` would collide even though
/// mcp/0.1 treats them as two members that sign differently. Keeping members
/// in an array and comparing keys byte-wise keeps both.
public struct JSONObject: Sendable {
    /// The members in the order they were parsed or added.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// Creates an object from members in order. A key that repeats (same
    /// UTF-8 bytes) replaces the earlier value and keeps the earlier position,
    /// so the result never has duplicate keys.
    public init(_ members: [(String, JSONValue)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (key, value) in members {
            set(key, value)
        }
    }

    /// Creates an empty object.
    public init() {
        self.members = []
    }

    /// Wraps members that are already checked (or deliberately kept) by the parser.
    init(uncheckedMembers: [(key: String, value: JSONValue)]) {
        self.members = uncheckedMembers
    }

    /// The number of members.
    public var count: Int { members.count }

    /// True when the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The keys in member order.
    public var keys: [String] { members.map(\.key) }

    /// The position of the member whose key has exactly these UTF-8 bytes.
    public func index(forKey key: String) -> Int? {
        members.firstIndex { JSONObject.sameKey($0.key, key) }
    }

    /// The value for `key` (compared by UTF-8 bytes), or `nil` if absent.
    /// Setting `nil` removes the member; setting a value replaces or appends.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let index = index(forKey: key) else { return nil }
            return members[index].value
        }
        set {
            if let newValue {
                set(key, newValue)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Replaces the value of an existing member in place, or appends a new one.
    public mutating func set(_ key: String, _ value: JSONValue) {
        if let index = index(forKey: key) {
            members[index].value = value
        } else {
            members.append((key: key, value: value))
        }
    }

    /// Removes the member with this key and returns its value, if present.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let index = index(forKey: key) else { return nil }
        return members.remove(at: index).value
    }

    /// Byte-wise key equality: the only key comparison mcp/0.1 allows.
    @inline(__always)
    static func sameKey(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs.utf8.elementsEqual(rhs.utf8)
    }
}

extension JSONObject: Equatable {
    /// Two objects are equal when they hold the same keys (by UTF-8 bytes) with
    /// equal values, in any order: member order never changes the canonical form.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (index, member) in lhs.members.enumerated() {
            let other = rhs.members[index]
            if sameKey(member.key, other.key) {
                guard member.value == other.value else { return false }
            } else {
                guard let value = rhs[member.key], value == member.value else { return false }
            }
        }
        return true
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Builds an object in code, keeping the literal's order:
    /// `["count": 4, "total": 16.5]`.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
