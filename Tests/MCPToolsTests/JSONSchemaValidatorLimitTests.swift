import MCPTools
import MCPWire
import Testing

/// The validator stops once it has what it was asked for: a value with a
/// hundred thousand bad elements yields one violation (or a few), never all.
@Suite("JSON Schema validator limits")
struct JSONSchemaValidatorLimitTests {
    static let schema: JSONValue = ["type": "object", "properties": ["numbers": ["type": "array", "items": ["type": "number"]]]]

    static func args(bad: Int) -> JSONValue {
        ["numbers": .array(Array(repeating: .string("x"), count: bad))]
    }

    @Test func theFirstViolationIsTheFirstInDocumentOrder() {
        let value: JSONValue = ["numbers": [1, "a", 2, "b"]]
        #expect(JSONSchemaValidator.firstViolation(value, against: Self.schema)?.description == "args.numbers[1] must be a number, got string")
    }

    @Test func validationStopsAtItsLimit() {
        let value = Self.args(bad: 100_000)
        #expect(JSONSchemaValidator.validate(value, against: Self.schema).count == JSONSchemaValidator.defaultLimit)
        #expect(JSONSchemaValidator.validate(value, against: Self.schema, limit: 3).map(\.path) == ["args.numbers[0]", "args.numbers[1]", "args.numbers[2]"])
        #expect(JSONSchemaValidator.firstViolation(value, against: Self.schema)?.path == "args.numbers[0]")
        #expect(!JSONSchemaValidator.isValid(value, against: Self.schema))
    }

    @Test func requiredMembersStopAtTheLimitToo() throws {
        let names = (0..<1000).map { JSONValue.string("m\($0)") }
        let schema: JSONValue = ["type": "object", "required": .array(names)]
        #expect(JSONSchemaValidator.validate([:], against: schema, limit: 2).map(\.path) == ["args.m0", "args.m1"])
    }
}
