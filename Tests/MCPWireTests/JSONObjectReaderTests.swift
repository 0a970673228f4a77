import MCPWire
import Testing

/// Runs `body`, returning the decoding error it throws (nil if none).
func readerError(_ body: () throws(WireDecodingError) -> Void) -> WireDecodingError? {
    do throws(WireDecodingError) {
        try body()
        return nil
    } catch {
        return error
    }
}

@Suite("JSONObjectReader")
struct JSONObjectReaderTests {
    static let args: JSONObject = [
        "numbers": [1, 2.5, "3"], "name": "x", "count": 3, "flag": false, "ratio": 0.5, "big": .integer(JSONInteger(decimal: "18446744073709551616")!),
        "options": ["depth": 2], "nothing": nil,
    ]

    @Test func typedReads() throws {
        let reader = JSONObjectReader(Self.args, path: "args")
        #expect(try reader.string("name") == "x")
        #expect(try reader.int64("count") == 3)
        #expect(try reader.integer("count") == JSONInteger(3))
        #expect(try reader.bool("flag") == false)
        #expect(try reader.number("ratio") == 0.5)
        #expect(try reader.number("count") == 3.0)
        #expect(try reader.objectReader("options").int64("depth") == 2)
        #expect(try reader.optionalString("nothing") == nil)
        #expect(try reader.optionalString("absent") == nil)
        #expect(try reader.array("numbers").count == 3)
        #expect(try reader.integer("big").text == "18446744073709551616")
        try reader.finish()
    }

    @Test func elementErrorsNameTheFullPath() {
        let reader = JSONObjectReader(Self.args, path: "args")
        let error = readerError { () throws(WireDecodingError) in
            _ = try reader.array("numbers") { element throws(WireDecodingError) in try element.number() }
        }
        #expect(error?.code == .wrongType)
        #expect(error?.member == "args.numbers[2]")
        #expect(error?.message == "member \"args.numbers[2]\" must be a number, got string")
    }

    @Test func nestedPathsAndMissingMembers() {
        let reader = JSONObjectReader(Self.args, path: "args")
        let error = readerError { () throws(WireDecodingError) in
            _ = try reader.objectReader("options").string("mode")
        }
        #expect(error == WireDecodingError(
            code: .missingMember, member: "args.options.mode", message: "missing member \"args.options.mode\""))
    }

    @Test func finishRejectsUnreadMembers() {
        let reader = JSONObjectReader(["a": 1, "b": 2], path: "args")
        let error = readerError { () throws(WireDecodingError) in
            _ = try reader.int64("a")
            try reader.finish()
        }
        #expect(error?.code == .extraMember)
        #expect(error?.member == "args.b")
    }

    @Test func noCoercion() {
        let reader = JSONObjectReader(["s": "123", "f": 1.0, "i": 1, "o": [:]])
        #expect(readerError { () throws(WireDecodingError) in _ = try reader.integer("s") }?.code == .wrongType)
        #expect(readerError { () throws(WireDecodingError) in _ = try reader.int64("f") }?.message
            == "member \"f\" must be an integer, got float")
        #expect(readerError { () throws(WireDecodingError) in _ = try reader.bool("i") }?.code == .wrongType)
        #expect(readerError { () throws(WireDecodingError) in _ = try reader.string("o") }?.code == .wrongType)
        #expect(readerError { () throws(WireDecodingError) in _ = try reader.optionalInt64("s") }?.member == "s")
    }

    @Test func int64OutOfRange() {
        let reader = JSONObjectReader(Self.args, path: "args")
        let error = readerError { () throws(WireDecodingError) in _ = try reader.int64("big") }
        #expect(error?.code == .outOfRange)
        #expect(error?.member == "args.big")
    }

    @Test func nonObjectValue() {
        #expect(readerError { () throws(WireDecodingError) in _ = try JSONObjectReader(json: "x") }?.code == .notAnObject)
        let nested = readerError { () throws(WireDecodingError) in _ = try JSONObjectReader(json: [1], path: "args") }
        #expect(nested?.code == .wrongType)
        #expect(nested?.member == "args")
    }
}
