/// Number parsing: integer tokens stay exact, float tokens become binary64.
extension JSONParser {
    /// Parses `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` at `position`.
    /// Without `.`/`e`/`E` the token is an exact integer of any size (`-0` is
    /// `0`); otherwise it is correctly rounded by `Double(String)` and must be
    /// finite (underflow to ±0.0 is fine, `1e400` is not).
    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var index = position
        var isFloat = false
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            if matches(JSONParser.infinityWord, at: index) {
                throw JSONParseError(.nonFiniteNumber, at: start, "non-finite number (-Infinity is not JSON)")
            }
        }
        index = try digits(from: index, after: "'-'", allowLeadingZero: false, tokenStart: start)
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isFloat = true
            index = try digits(from: index + 1, after: "'.'", allowLeadingZero: true, tokenStart: start)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isFloat = true
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            index = try digits(from: index, after: "the exponent", allowLeadingZero: true, tokenStart: start)
        }
        position = index
        let token = bytes[start..<index]
        if !isFloat {
            if token.count == 2, token.first == UInt8(ascii: "-"), token.last == UInt8(ascii: "0") {
                return .integer(JSONInteger(normalizedText: "0"))
            }
            return .integer(JSONInteger(normalizedText: String(decoding: token, as: UTF8.self)))
        }
        let text = String(decoding: token, as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(.nonFiniteNumber, at: start, "number \(text) overflows binary64")
        }
        return .float(value)
    }

    /// Consumes one or more digits starting at `offset`. For the integer part
    /// (`allowLeadingZero == false`) a `0` must stand alone.
    private func digits(
        from offset: Int, after what: String, allowLeadingZero: Bool, tokenStart: Int
    ) throws(JSONParseError) -> Int {
        guard offset < bytes.count else { throw endError("a digit after \(what)") }
        guard JSONParser.isDigit(bytes[offset]) else {
            throw JSONParseError(
                .invalidNumber, at: offset, "expected a digit, found \(JSONParser.describe(bytes[offset]))")
        }
        var index = offset
        if !allowLeadingZero, bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, JSONParser.isDigit(bytes[index]) {
                throw JSONParseError(.invalidNumber, at: tokenStart, "number with a leading zero")
            }
            return index
        }
        while index < bytes.count, JSONParser.isDigit(bytes[index]) {
            index += 1
        }
        return index
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
