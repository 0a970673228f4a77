/// A strict RFC 8259 JSON parser that keeps what mcp/0.1 signs.
///
/// One pass over UTF-8 bytes. Numbers keep their kind (integer tokens stay
/// exact at any size), strings keep their scalars unnormalized, and object
/// members stay in wire order. It rejects what a signature verifier must not
/// guess about: duplicate keys, `NaN`/`Infinity`, floats that overflow,
/// unpaired surrogate escapes, raw control characters, invalid UTF-8, leading
/// zeros, trailing data, empty input and nesting deeper than `maxDepth`.
/// Foundation's JSON APIs lose the int/float distinction and merge NFC/NFD
/// keys, which is why this exists.
public struct JSONParser {
    /// The input.
    let bytes: [UInt8]
    /// The next byte to read.
    var position = 0
    /// The deepest array/object nesting allowed.
    let maxDepth: Int
    /// Keeps repeated keys instead of rejecting them (key ring diagnostics only).
    let keepDuplicateKeys: Bool
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []

    init(bytes: [UInt8], maxDepth: Int, keepDuplicateKeys: Bool) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.keepDuplicateKeys = keepDuplicateKeys
    }

    /// Parses one JSON text (a value with optional surrounding whitespace).
    /// `maxDepth` bounds array/object nesting (64 nested arrays pass, 65 fail
    /// at the default), which also bounds recursion.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try parse(bytes, maxDepth: maxDepth, keepDuplicateKeys: false)
    }

    /// Parses UTF-8 bytes from any collection (`Data`, `ArraySlice`, a buffer).
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try parse(Array(bytes), maxDepth: maxDepth, keepDuplicateKeys: false)
    }

    /// Parses the UTF-8 encoding of `text`; handy in tests and tools.
    public static func parse(_ text: String, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth, keepDuplicateKeys: false)
    }

    /// The entry point behind every overload. `keepDuplicateKeys` lets the key
    /// ring name a repeated client instead of failing with a bare parse error.
    static func parse(_ bytes: [UInt8], maxDepth: Int, keepDuplicateKeys: Bool) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth, keepDuplicateKeys: keepDuplicateKeys)
        parser.skipWhitespace()
        guard parser.position < bytes.count else {
            throw JSONParseError(.emptyInput, at: parser.position, "empty input")
        }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw JSONParseError(
                .trailingData, at: parser.position,
                "unexpected \(describe(bytes[parser.position])) after the JSON value")
        }
        return value
    }

    // MARK: - Values

    /// Parses the value starting at `position`; `depth` counts enclosing containers.
    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw endError("a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral(JSONParser.trueWord)
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral(JSONParser.falseWord)
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral(JSONParser.nullWord)
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        case UInt8(ascii: "N") where matches(JSONParser.nanWord, at: position),
             UInt8(ascii: "I") where matches(JSONParser.infinityWord, at: position):
            throw JSONParseError(.nonFiniteNumber, at: position, "non-finite number (NaN/Infinity are not JSON)")
        default:
            throw JSONParseError(.unexpectedCharacter, at: position, "unexpected \(JSONParser.describe(bytes[position]))")
        }
    }

    /// Parses `{…}`; rejects repeated keys unless `keepDuplicateKeys`.
    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else {
            throw JSONParseError(.tooDeep, at: position, "nesting deeper than \(maxDepth) levels")
        }
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        var seen = DuplicateKeyIndex()
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject(uncheckedMembers: members))
        }
        while true {
            guard position < bytes.count else { throw endError("an object key") }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw JSONParseError(
                    .unexpectedCharacter, at: position,
                    "expected an object key (a string), found \(JSONParser.describe(bytes[position]))")
            }
            let keyOffset = position
            let key = try parseString()
            if !keepDuplicateKeys, !seen.insert(key, members: members) {
                throw JSONParseError(
                    .duplicateKey, at: keyOffset, "duplicate key \(CanonicalJSON.string(.string(key)))")
            }
            skipWhitespace()
            try expectByte(UInt8(ascii: ":"), "':' after an object key")
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append((key: key, value: value))
            skipWhitespace()
            guard position < bytes.count else { throw endError("',' or '}'") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                position += 1
                return .object(JSONObject(uncheckedMembers: members))
            default:
                throw JSONParseError(
                    .unexpectedCharacter, at: position,
                    "expected ',' or '}' in an object, found \(JSONParser.describe(bytes[position]))")
            }
        }
    }

    /// Parses `[…]`.
    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else {
            throw JSONParseError(.tooDeep, at: position, "nesting deeper than \(maxDepth) levels")
        }
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw endError("',' or ']'") }
            switch bytes[position] {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                position += 1
                return .array(elements)
            default:
                throw JSONParseError(
                    .unexpectedCharacter, at: position,
                    "expected ',' or ']' in an array, found \(JSONParser.describe(bytes[position]))")
            }
        }
    }
}
