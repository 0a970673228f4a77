import MCPWire
import Testing

/// Parses `bytes` expecting failure; returns the error (nil if it parsed).
func parseError(_ bytes: [UInt8], maxDepth: Int = 64) -> JSONParseError? {
    do {
        _ = try JSONParser.parse(bytes, maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

func parseError(_ text: String, maxDepth: Int = 64) -> JSONParseError? {
    parseError(Array(text.utf8), maxDepth: maxDepth)
}

@Suite("JSONParser rejections")
struct JSONParserRejectionTests {
    @Test func emptyInput() {
        #expect(parseError("")?.code == .emptyInput)
        #expect(parseError("")?.offset == 0)
        #expect(parseError(" \n\t ")?.code == .emptyInput)
    }

    @Test func duplicateKey() {
        let error = parseError(#"{"a":1,"a":2}"#)
        #expect(error?.code == .duplicateKey)
        #expect(error?.offset == 7)
        #expect(error?.message == #"duplicate key "a" at byte 7"#)
        #expect(error?.description == #"duplicate_key: duplicate key "a" at byte 7"#)
        // Nested, and with escapes that decode to the same bytes.
        #expect(parseError(#"{"x":{"b":1,"\u0062":2}}"#)?.code == .duplicateKey)
    }

    @Test func duplicateKeyInLargeObject() {
        let members = (0..<40).map { "\"k\($0)\":\($0)" }
        #expect(parseError("{" + members.joined(separator: ",") + "}") == nil)
        let error = parseError("{" + members.joined(separator: ",") + ",\"k17\":0}")
        #expect(error?.code == .duplicateKey)
        #expect(error?.message.hasPrefix(#"duplicate key "k17""#) == true)
    }

    @Test(arguments: ["NaN", "Infinity", "-Infinity", "[1,NaN]", "1e400", "-1e400", "1.8e308", #"{"x":-Infinity}"#])
    func nonFiniteNumber(_ text: String) {
        #expect(parseError(text)?.code == .nonFiniteNumber)
    }

    @Test func nonFiniteOffsets() {
        #expect(parseError("[1,NaN]")?.offset == 3)
        #expect(parseError("[1, -Infinity]")?.offset == 4)
        #expect(parseError("[1e400]")?.offset == 1)
    }

    @Test(arguments: [#""\ud800""#, #""\udc00""#, #""a\uD800b""#, #""\ud800\u0041""#, #""\ude00\ud83d""#])
    func loneSurrogate(_ text: String) {
        #expect(parseError(text)?.code == .loneSurrogate)
    }

    @Test func loneSurrogateOffset() {
        #expect(parseError(#"["ab\ud800"]"#)?.offset == 4)
    }

    @Test(arguments: [
        [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
        [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong 3-byte
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate U+D800
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // U+110000
        [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],  // lead byte beyond U+10FFFF
        [0x22, 0x80, 0x22],  // stray continuation byte
        [0x22, 0xE2, 0x82, 0x22],  // truncated before the quote
        [0x22, 0xE2, 0x82],  // truncated at the end of input
        [0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22],  // bad continuation after an escape
    ] as [[UInt8]])
    func invalidUTF8(_ bytes: [UInt8]) {
        #expect(parseError(bytes)?.code == .invalidUTF8)
    }

    @Test func invalidUTF8Offset() {
        #expect(parseError([0x5B, 0x22, 0x61, 0xED, 0xA0, 0x80, 0x22, 0x5D])?.offset == 3)
    }

    @Test(arguments: ["{} x", "1 2", "[1]]", "\"a\"\"b\"", "{}\u{0}"])
    func trailingData(_ text: String) {
        #expect(parseError(text)?.code == .trailingData)
    }

    @Test func trailingDataOffset() {
        #expect(parseError("{} x")?.offset == 3)
    }

    @Test func tooDeep() {
        let error = parseError(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == 64)
        #expect(parseError(#"{"a":{"b":[1]}}"#, maxDepth: 2)?.code == .tooDeep)
        #expect(parseError(#"{"a":{"b":1}}"#, maxDepth: 2) == nil)
    }

    @Test(arguments: ["[1,]", "{'a':1}", "+1", ".5", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "tru e", "nulx", "\u{FEFF}{}", "{1:2}"])
    func unexpectedCharacter(_ text: String) {
        #expect(parseError(text)?.code == .unexpectedCharacter)
    }

    @Test func unexpectedCharacterOffset() {
        #expect(parseError("[1,]")?.offset == 3)
        #expect(parseError("[1,]")?.message == "unexpected character ']' at byte 3")
    }

    @Test(arguments: ["[1,", "{\"a\"", "\"abc", "tr", "nul", "[", "{", "-", "1.", "1e", "1e+", "\"\\u12", "\"\\", "{\"a\":"])
    func unexpectedEnd(_ text: String) {
        let error = parseError(text)
        #expect(error?.code == .unexpectedEnd)
        #expect(error?.offset == text.utf8.count)
    }

    @Test(arguments: [[0x22, 0x61, 0x09, 0x62, 0x22], [0x22, 0x0A, 0x22], [0x22, 0x00, 0x22], [0x22, 0x5C, 0x6E, 0x1F, 0x22]] as [[UInt8]])
    func controlCharacter(_ bytes: [UInt8]) {
        #expect(parseError(bytes)?.code == .controlCharacter)
    }

    @Test func controlCharacterOffset() {
        #expect(parseError([0x22, 0x61, 0x09, 0x62, 0x22])?.offset == 2)
    }

    @Test(arguments: ["01", "-01", "00", "-a", "1.e5", "[1e]", "1.x", "[-]"])
    func invalidNumber(_ text: String) {
        #expect(parseError(text)?.code == .invalidNumber)
    }

    @Test func invalidNumberOffset() {
        #expect(parseError("[01]")?.offset == 1)
        #expect(parseError("[01]")?.message == "number with a leading zero at byte 1")
        #expect(parseError("1.e5")?.offset == 2)
    }

    @Test(arguments: [#""\x""#, #""\u12G4""#, #""\'""#, #""\U0041""#, #""\ud800\uZZZZ""#])
    func invalidEscape(_ text: String) {
        #expect(parseError(text)?.code == .invalidEscape)
    }

    @Test func invalidEscapeOffset() {
        #expect(parseError(#"["a\x"]"#)?.offset == 3)
    }
}
