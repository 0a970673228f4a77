import Foundation
import MCPWire
import Testing

@Suite("JSONParser acceptance")
struct JSONParserAcceptanceTests {
    @Test func bigIntegersStayExact() throws {
        let value = try JSONParser.parse("[18446744073709551617, -9223372036854775809, 9007199254740993]")
        #expect(value == .array([
            .integer(try #require(JSONInteger(decimal: "18446744073709551617"))),
            .integer(try #require(JSONInteger(decimal: "-9223372036854775809"))),
            .integer(JSONInteger(9_007_199_254_740_993)),
        ]))
        #expect(value.arrayValue?[0].integerValue?.text == "18446744073709551617")
        #expect(value.arrayValue?[0].int64Value == nil)
        #expect(value.arrayValue?[2].int64Value == 9_007_199_254_740_993)
    }

    @Test func minusZeroIntegerIsZero() throws {
        #expect(try JSONParser.parse("-0") == .integer(JSONInteger(0)))
        #expect(try JSONParser.parse("-0").integerValue?.text == "0")
    }

    @Test func integerAndFloatAreDistinct() throws {
        #expect(try JSONParser.parse("1") == .integer(1))
        #expect(try JSONParser.parse("1.0") == .float(1.0))
        #expect(try JSONParser.parse("1") != JSONParser.parse("1.0"))
        #expect(try JSONParser.parse("1E2") == .float(100))
    }

    @Test func underflowBecomesSignedZero() throws {
        let positive = try #require(try JSONParser.parse("1e-400").doubleValue)
        let negative = try #require(try JSONParser.parse("-1e-400").doubleValue)
        #expect(positive == 0 && positive.sign == .plus)
        #expect(negative == 0 && negative.sign == .minus)
        #expect(try JSONParser.parse("5e-324") == .float(Double.leastNonzeroMagnitude))
    }

    @Test func nestingAtTheLimit() throws {
        let deep64 = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        var value = try JSONParser.parse(deep64)
        var depth = 0
        while case .array(let elements) = value {
            depth += 1
            guard let first = elements.first else { break }
            value = first
        }
        #expect(depth == 64)
        let objects64 = String(repeating: #"{"a":"#, count: 63) + "{}" + String(repeating: "}", count: 63)
        #expect(try JSONParser.parse(objects64).objectValue?.count == 1)
        let objects65 = String(repeating: #"{"a":"#, count: 64) + "{}" + String(repeating: "}", count: 64)
        #expect(parseError(objects65)?.code == .tooDeep)
    }

    @Test func escapesDecodeToScalars() throws {
        let value = try JSONParser.parse(#""caf\u00E9 \ud83d\ude00 a\/b \"\\\b\f\n\r\t\u0000""#)
        #expect(value.stringValue == "caf\u{E9} \u{1F600} a/b \"\\\u{8}\u{C}\n\r\t\u{0}")
        #expect(try JSONParser.parse(#""😀 日本""#).stringValue == "\u{1F600} \u{65E5}\u{672C}")
    }

    @Test func nfcAndNfdKeysAreDifferentMembers() throws {
        let value = try JSONParser.parse("{\"\u{E9}\":1,\"e\u{301}\":2}")
        let object = try #require(value.objectValue)
        #expect(object.count == 2)
        #expect(object["\u{E9}"] == .integer(1))
        #expect(object["e\u{301}"] == .integer(2))
        #expect(Array(object.keys[1].unicodeScalars) == ["e", "\u{301}"])
    }

    @Test func membersKeepWireOrder() throws {
        let object = try #require(try JSONParser.parse(#"{"b":1,"a":2,"c":3}"#).objectValue)
        #expect(object.keys == ["b", "a", "c"])
    }

    @Test func whitespaceEverywhereIsAllowed() throws {
        let value = try JSONParser.parse(" \t\r\n{ \"a\" : [ 1 , true , null ] }\n ")
        #expect(value == ["a": [1, true, nil]])
    }

    @Test func overloadsAgree() throws {
        let text = #"{"a":[1,2.5,"x"]}"#
        let fromArray = try JSONParser.parse(Array(text.utf8))
        #expect(try JSONParser.parse(text) == fromArray)
        #expect(try JSONParser.parse(Data(text.utf8)) == fromArray)
        #expect(try JSONParser.parse(Array(("  " + text).utf8)[2...]) == fromArray)
    }

    @Test func scalarsAtTopLevel() throws {
        #expect(try JSONParser.parse("true") == true)
        #expect(try JSONParser.parse("false") == false)
        #expect(try JSONParser.parse("null") == .null)
        #expect(try JSONParser.parse(#""""#) == "")
        #expect(try JSONParser.parse("-12.5e-1") == .float(-1.25))
    }
}
