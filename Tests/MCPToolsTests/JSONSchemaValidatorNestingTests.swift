import MCPTools
import MCPWire
import Testing

@Suite("JSONSchemaValidator paths and numbers")
struct JSONSchemaValidatorNestingTests {
    static let orderSchema: JSONValue = [
        "type": "object",
        "properties": [
            "lines": [
                "type": "array",
                "items": [
                    "type": "object",
                    "properties": ["sku": ["type": "string"], "qty": ["type": "integer", "minimum": 1]],
                    "required": ["sku", "qty"],
                    "additionalProperties": false,
                ],
            ],
            "meta": ["type": "object", "properties": ["tags": ["type": "array", "items": ["type": "string"]]]],
        ],
        "required": ["lines"],
    ]

    @Test func nestedPathsNameTheExactPlace() throws {
        let value = try json(#"{"lines": [{"sku": "a", "qty": 2}, {"sku": 7, "qty": 0, "note": "x"}, {"qty": 1.0}], "meta": {"tags": ["ok", 3]}}"#)
        let found = JSONSchemaValidator.validate(value, against: Self.orderSchema)
        #expect(found.map(\.description) == [
            "args.lines[1].sku must be a string, got integer 7",
            "args.lines[1].qty must be at least 1, got 0",
            "args.lines[1].note is not an allowed member (allowed: sku, qty)",
            "args.lines[2].sku is required",
            "args.lines[2].qty must be an integer, got number 1.0",
            "args.meta.tags[1] must be a string, got integer 3",
        ])
        #expect(found.map(\.keyword) == ["type", "minimum", "additionalProperties", "required", "type", "type"])
        #expect(JSONSchemaValidator.firstViolation(value, against: Self.orderSchema)?.path == "args.lines[1].sku")
    }

    @Test func validNestedValueAndCustomRootPath() throws {
        let value = try json(#"{"lines": [{"sku": "a", "qty": 2}], "meta": {"tags": []}}"#)
        #expect(JSONSchemaValidator.validate(value, against: Self.orderSchema) == [])
        #expect(JSONSchemaValidator.isValid(value, against: Self.orderSchema))
        let bad = try json(#"{"lines": 1}"#)
        #expect(JSONSchemaValidator.firstViolation(bad, against: Self.orderSchema, path: "")?.description
            == "lines must be an array, got integer 1")
    }

    @Test func hugeIntegersCompareExactlyWithMaximum() throws {
        let schema = #"{"type": "integer", "maximum": 18446744073709551615}"#
        #expect(try violations("18446744073709551615", schema) == [])
        #expect(try violations("18446744073709551616", schema)
            == ["args must be at most 18446744073709551615, got 18446744073709551616"])
        #expect(try violations("-99999999999999999999999", schema) == [])
        #expect(try violations("9223372036854775807", #"{"maximum": 9223372036854775806}"#)
            == ["args must be at most 9223372036854775806, got 9223372036854775807"])
    }

    @Test func hugeIntegersAgainstFloatBounds() throws {
        // 2^64 as a double is exactly 18446744073709551616.
        #expect(try violations("18446744073709551616", #"{"maximum": 1.8446744073709552e19}"#) == [])
        #expect(try violations("18446744073709551617", #"{"maximum": 1.8446744073709552e19}"#)
            == ["args must be at most 1.8446744073709552e+19, got 18446744073709551617"])
        #expect(try violations("18446744073709551615", #"{"exclusiveMaximum": 1.8446744073709552e19}"#) == [])
        #expect(try violations("100000000000000000000000000000000000000000000", #"{"maximum": 1e308}"#) == [])
        #expect(try violations("1e308", #"{"maximum": 100000000000000000000}"#)
            == ["args must be at most 100000000000000000000, got 1e+308"])
    }

    @Test func fractionalBoundsAgainstIntegers() throws {
        #expect(try violations("2", #"{"minimum": 1.5}"#) == [])
        #expect(try violations("1", #"{"minimum": 1.5}"#) == ["args must be at least 1.5, got 1"])
        #expect(try violations("-2", #"{"maximum": -1.5}"#) == [])
        #expect(try violations("-1", #"{"maximum": -1.5}"#) == ["args must be at most -1.5, got -1"])
    }

    @Test func reportsEveryViolationNotJustTheFirst() throws {
        let schema = #"{"type": "string", "enum": ["a"], "minLength": 5}"#
        #expect(try violations(#""b""#, schema) == [
            #"args must be one of "a""#, "args must be at least 5 characters long, got 1",
        ])
    }
}
