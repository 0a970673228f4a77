import MCPWire
import Testing

@Suite("JSONValue, JSONInteger, JSONObject")
struct JSONValueTests {
    @Test func stringEqualityIsByScalars() {
        #expect(JSONValue.string("\u{E9}") != .string("e\u{301}"))
        #expect(JSONValue.string("\u{E9}") == .string("\u{E9}"))
    }

    @Test func floatEqualityIsByBits() {
        #expect(JSONValue.float(0.0) != .float(-0.0))
        #expect(JSONValue.float(1.5) == .float(1.5))
        #expect(JSONValue.integer(1) != .float(1.0))
    }

    @Test func objectEqualityIgnoresOrderButNotKeys() {
        let ab: JSONValue = ["a": 1, "b": 2]
        let ba: JSONValue = ["b": 2, "a": 1]
        #expect(ab == ba)
        #expect(ab != ["a": 1, "b": 3])
        #expect(ab != ["a": 1])
        #expect(JSONValue.object(["\u{E9}": 1]) != .object(["e\u{301}": 1]))
    }

    @Test func jsonIntegerNormalizesAndValidates() {
        #expect(JSONInteger(decimal: "-0")?.text == "0")
        #expect(JSONInteger(decimal: "0")?.text == "0")
        #expect(JSONInteger(decimal: "-17")?.int64 == -17)
        #expect(JSONInteger(decimal: "18446744073709551617")?.int64 == nil)
        #expect(JSONInteger(decimal: "18446744073709551617")?.description == "18446744073709551617")
        for bad in ["", "-", "01", "+1", "1.0", "1e3", " 1", "1_000", "0x10", "--1"] {
            #expect(JSONInteger(decimal: bad) == nil, "\(bad) must be rejected")
        }
        #expect(JSONInteger(Int64.min).text == "-9223372036854775808")
        #expect(JSONInteger(-5).isNegative)
    }

    @Test func accessorsDoNotCoerce() {
        let value: JSONValue = ["s": "1", "i": 7, "f": 7.0, "b": true, "n": nil, "a": [1], "o": ["k": "v"]]
        let object = value.objectValue
        #expect(object?["s"]?.stringValue == "1")
        #expect(object?["s"]?.int64Value == nil)
        #expect(object?["i"]?.int64Value == 7)
        #expect(object?["i"]?.doubleValue == 7)
        #expect(object?["f"]?.int64Value == nil)
        #expect(object?["f"]?.doubleValue == 7)
        #expect(object?["b"]?.boolValue == true)
        #expect(object?["n"]?.isNull == true)
        #expect(object?["i"]?.isNull == false)
        #expect(object?["a"]?.arrayValue == [1])
        #expect(object?["o"]?.objectValue?["k"] == "v")
        #expect(object?["missing"] == nil)
    }

    @Test func objectSetReplacesInPlaceOrAppends() {
        var object: JSONObject = ["a": 1, "b": 2]
        object.set("a", 10)
        object.set("c", 3)
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["a"] == 10)
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(object.count == 2)
        #expect(object.removeValue(forKey: "zzz") == nil)
    }

    @Test func objectInitDropsRepeatedKeys() {
        let object = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }

    @Test func objectKeysCompareByBytes() {
        var object = JSONObject()
        object.set("\u{E9}", 1)
        object.set("e\u{301}", 2)
        #expect(object.count == 2)
        #expect(object["\u{E9}"] == 1)
        #expect(object["e\u{301}"] == 2)
    }

    @Test func typeNames() {
        let names = ([nil, true, 1, 1.5, "s", [], [:]] as [JSONValue]).map(\.typeName)
        #expect(names == ["null", "boolean", "integer", "float", "string", "array", "object"])
    }
}
