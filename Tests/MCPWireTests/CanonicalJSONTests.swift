import MCPWire
import Testing

@Suite("CanonicalJSON")
struct CanonicalJSONTests {
    @Test(arguments: [
        (1.0, "1.0"), (100.0, "100.0"), (0.1, "0.1"), (0.0001, "0.0001"), (0.000123, "0.000123"),
        (1e-05, "1e-05"), (2.5e-05, "2.5e-05"), (1e16, "1e+16"), (1.5e300, "1.5e+300"),
        (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (1.2345678901234567e19, "1.2345678901234567e+19"), (9833514165910188.0, "9833514165910188.0"),
        (1e15, "1000000000000000.0"), (123456789.123, "123456789.123"), (-1.5, "-1.5"),
        (0.0, "0.0"), (-0.0, "-0.0"), (-2.5e-7, "-2.5e-07"), (1e22, "1e+22"), (123e18, "1.23e+20"),
        (9007199254740993.0, "9007199254740992.0"), (0.30000000000000004, "0.30000000000000004"),
    ] as [(Double, String)])
    func floatLayout(_ number: Double, _ expected: String) {
        #expect(CanonicalJSON.string(.float(number)) == expected)
    }

    @Test func nonFiniteFloatsAreWrittenLikePython() {
        #expect(CanonicalJSON.string(.float(.nan)) == "NaN")
        #expect(CanonicalJSON.string(.float(.infinity)) == "Infinity")
        #expect(CanonicalJSON.string(.float(-.infinity)) == "-Infinity")
    }

    @Test func stringsAreEnsureASCII() {
        #expect(CanonicalJSON.string("caf\u{E9} \u{1F600} a/b") == #""caf\u00e9 \ud83d\ude00 a/b""#)
        #expect(CanonicalJSON.string("\u{0}\u{1F}\u{7F}\u{8}\t\n\u{C}\r\"\\") == #""\u0000\u001f\u007f\b\t\n\f\r\"\\""#)
        #expect(CanonicalJSON.string("\u{2028}\u{10FFFF}\u{FFFF}") == #""\u2028\udbff\udfff\uffff""#)
        #expect(CanonicalJSON.string("e\u{301}") == #""e\u0301""#)
    }

    @Test func keysSortByCodePointAtEveryDepth() {
        let value: JSONValue = [
            "\u{1F600}": 1, "\u{FF5E}": 2, "\u{E000}": 3, "z": 4, "\u{E9}": 5, "e\u{301}": 6,
            "nested": ["b": 1, "a": [["d": 1, "c": 2]]],
        ]
        #expect(CanonicalJSON.string(value)
            == #"{"e\u0301":6,"nested":{"a":[{"c":2,"d":1}],"b":1},"z":4,"\u00e9":5,"\ue000":3,"\uff5e":2,"\ud83d\ude00":1}"#)
    }

    @Test func builtValuesKeepKinds() {
        let value: JSONValue = ["count": 4, "total": 16.5, "none": nil, "ok": true, "list": [1, 1.0, "1"]]
        #expect(CanonicalJSON.string(value) == #"{"count":4,"list":[1,1.0,"1"],"none":null,"ok":true,"total":16.5}"#)
    }

    @Test func writeAppendsToABuffer() {
        var buffer: [UInt8] = Array("prefix:".utf8)
        CanonicalJSON.write([1, "a"], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"prefix:[1,"a"]"#)
        #expect(CanonicalJSON.bytes(["a": []]) == Array(#"{"a":[]}"#.utf8))
    }

    @Test func integersAreExactText() throws {
        let big = try #require(JSONInteger(decimal: "123456789012345678901234567890"))
        #expect(CanonicalJSON.string(.integer(big)) == "123456789012345678901234567890")
        #expect(CanonicalJSON.string(.integer(JSONInteger(-42))) == "-42")
    }
}
