/// Byte-level helpers shared by the parser's value, string and number code.
extension JSONParser {
    static let trueWord: [UInt8] = Array("true".utf8)
    static let falseWord: [UInt8] = Array("false".utf8)
    static let nullWord: [UInt8] = Array("null".utf8)
    static let nanWord: [UInt8] = Array("NaN".utf8)
    static let infinityWord: [UInt8] = Array("Infinity".utf8)

    /// Skips JSON whitespace: space, tab, line feed, carriage return.
    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Whether `word` appears at `offset`.
    func matches(_ word: [UInt8], at offset: Int) -> Bool {
        guard offset + word.count <= bytes.count else { return false }
        for index in 0..<word.count where bytes[offset + index] != word[index] {
            return false
        }
        return true
    }

    /// Consumes `true`, `false` or `null`, or reports the first wrong byte.
    mutating func expectLiteral(_ word: [UInt8]) throws(JSONParseError) {
        for index in 0..<word.count {
            let offset = position + index
            guard offset < bytes.count else {
                throw endError("'\(String(decoding: word, as: UTF8.self))'")
            }
            guard bytes[offset] == word[index] else {
                throw JSONParseError(
                    .unexpectedCharacter, at: offset,
                    "unexpected \(JSONParser.describe(bytes[offset])) in '\(String(decoding: word, as: UTF8.self))'")
            }
        }
        position += word.count
    }

    /// Consumes one expected byte (such as `:`).
    mutating func expectByte(_ byte: UInt8, _ what: String) throws(JSONParseError) {
        guard position < bytes.count else { throw endError(what) }
        guard bytes[position] == byte else {
            throw JSONParseError(
                .unexpectedCharacter, at: position, "expected \(what), found \(JSONParser.describe(bytes[position]))")
        }
        position += 1
    }

    /// The error for input that stops while `what` was expected.
    func endError(_ what: String) -> JSONParseError {
        JSONParseError(.unexpectedEnd, at: bytes.count, "input ends where \(what) was expected")
    }

    /// A byte as it reads in an error message: `'x'` or `byte 0x07`.
    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21, byte <= 0x7E {
            return "character '\(Character(Unicode.Scalar(byte)))'"
        }
        return "byte 0x\(hexByte(byte))"
    }

    /// Two lower-case hex digits, for messages.
    static func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: false)
        return digits.count == 1 ? "0" + digits : digits
    }
}
