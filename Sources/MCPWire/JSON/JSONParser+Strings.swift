/// String parsing: UTF-8 validation, escapes and surrogate pairs.
extension JSONParser {
    /// Parses a string starting at the opening quote. Strings without escapes
    /// (the common case) are validated in place and copied once.
    mutating func parseString() throws(JSONParseError) -> String {
        let start = position + 1
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return String(decoding: bytes[start..<index], as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                return try parseEscapedString(start: start, firstEscape: index)
            } else if byte < 0x20 {
                throw controlCharacterError(byte, at: index)
            } else if byte < 0x80 {
                index += 1
            } else {
                index = try validateUTF8Sequence(at: index)
            }
        }
        throw endError("a closing '\"'")
    }

    /// Slow path for a string with escapes: decodes into the scratch buffer.
    mutating func parseEscapedString(start: Int, firstEscape: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes[start..<firstEscape])
        var index = firstEscape
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                index = try decodeEscape(at: index)
            } else if byte < 0x20 {
                throw controlCharacterError(byte, at: index)
            } else if byte < 0x80 {
                scratch.append(byte)
                index += 1
            } else {
                let end = try validateUTF8Sequence(at: index)
                scratch.append(contentsOf: bytes[index..<end])
                index = end
            }
        }
        throw endError("a closing '\"'")
    }

    /// Decodes the escape at `offset` (a backslash) into `scratch`; returns
    /// the offset after it. A `\uD800`–`\uDBFF` escape must be followed by a
    /// `\uDC00`–`\uDFFF` escape; they decode to one astral scalar.
    mutating func decodeEscape(at offset: Int) throws(JSONParseError) -> Int {
        guard offset + 1 < bytes.count else { throw endError("an escape character") }
        let decoded: UInt8
        switch bytes[offset + 1] {
        case UInt8(ascii: "\""): decoded = 0x22
        case UInt8(ascii: "\\"): decoded = 0x5C
        case UInt8(ascii: "/"): decoded = 0x2F
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            return try decodeUnicodeEscape(at: offset)
        default:
            throw JSONParseError(
                .invalidEscape, at: offset, "invalid escape '\\\(JSONParser.printable(bytes[offset + 1]))'")
        }
        scratch.append(decoded)
        return offset + 2
    }

    /// Decodes `\uXXXX` (and its low-surrogate partner) at `offset`.
    mutating func decodeUnicodeEscape(at offset: Int) throws(JSONParseError) -> Int {
        let unit = try hex4(at: offset + 2, escapeOffset: offset)
        switch unit {
        case 0xD800..<0xDC00:
            let next = offset + 6
            guard next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u")
            else {
                if next >= bytes.count || (next + 1 == bytes.count && bytes[next] == UInt8(ascii: "\\")) {
                    throw endError("a low surrogate escape")
                }
                throw loneSurrogateError(unit, at: offset)
            }
            let low = try hex4(at: next + 2, escapeOffset: next)
            guard (0xDC00..<0xE000).contains(low) else { throw loneSurrogateError(unit, at: offset) }
            appendScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            return offset + 12
        case 0xDC00..<0xE000:
            throw loneSurrogateError(unit, at: offset)
        default:
            appendScalar(unit)
            return offset + 6
        }
    }

    /// Reads four hex digits (either case) at `offset`.
    func hex4(at offset: Int, escapeOffset: Int) throws(JSONParseError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw endError("four hex digits") }
        var value: UInt32 = 0
        for index in offset..<(offset + 4) {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw JSONParseError(
                    .invalidEscape, at: escapeOffset,
                    "invalid \\u escape: \(JSONParser.describe(byte)) is not a hex digit")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Appends the UTF-8 encoding of a (non-surrogate) scalar to `scratch`.
    mutating func appendScalar(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Checks the multi-byte UTF-8 sequence whose lead byte is at `offset`
    /// (Unicode Table 3-7: no overlongs, no surrogates, nothing past
    /// U+10FFFF, no truncation) and returns the offset after it.
    func validateUTF8Sequence(at offset: Int) throws(JSONParseError) -> Int {
        let lead = bytes[offset]
        var continuation = 0
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: continuation = 1
        case 0xE0: continuation = 2; secondLow = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: continuation = 2
        case 0xED: continuation = 2; secondHigh = 0x9F
        case 0xF0: continuation = 3; secondLow = 0x90
        case 0xF1...0xF3: continuation = 3
        case 0xF4: continuation = 3; secondHigh = 0x8F
        default:
            throw invalidUTF8Error(at: offset, lead >= 0x80 && lead < 0xC0
                ? "unexpected UTF-8 continuation byte" : "invalid UTF-8 lead byte")
        }
        guard offset + continuation < bytes.count else {
            throw invalidUTF8Error(at: offset, "truncated UTF-8 sequence")
        }
        let second = bytes[offset + 1]
        guard second >= secondLow, second <= secondHigh else {
            throw invalidUTF8Error(at: offset, "invalid UTF-8 sequence (overlong, surrogate or beyond U+10FFFF)")
        }
        if continuation > 1 {
            for index in (offset + 2)...(offset + continuation) where bytes[index] & 0xC0 != 0x80 {
                throw invalidUTF8Error(at: offset, "invalid UTF-8 sequence")
            }
        }
        return offset + continuation + 1
    }

    private func invalidUTF8Error(at offset: Int, _ what: String) -> JSONParseError {
        JSONParseError(.invalidUTF8, at: offset, "\(what) (\(JSONParser.describe(bytes[offset])))")
    }

    private func controlCharacterError(_ byte: UInt8, at offset: Int) -> JSONParseError {
        JSONParseError(
            .controlCharacter, at: offset,
            "raw control character \(JSONParser.describe(byte)) in a string (escape it as \\u00XX)")
    }

    private func loneSurrogateError(_ unit: UInt32, at offset: Int) -> JSONParseError {
        let hex = String(unit, radix: 16, uppercase: false)
        return JSONParseError(.loneSurrogate, at: offset, "unpaired surrogate escape \\u\(hex)")
    }

    /// A byte for an escape message: the character if printable, else `0xNN`.
    static func printable(_ byte: UInt8) -> String {
        byte >= 0x21 && byte <= 0x7E
            ? String(Character(Unicode.Scalar(byte)))
            : "0x" + hexByte(byte)
    }
}
