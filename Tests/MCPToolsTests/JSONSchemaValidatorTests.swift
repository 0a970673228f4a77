import MCPTools
import MCPWire
import Testing

/// The violations of `value` (JSON text) against `schema` (JSON text), as `path message` strings.
func violations(_ value: String, _ schema: String, path: String = "args") throws -> [String] {
    JSONSchemaValidator.validate(try json(value), against: try json(schema), path: path).map(\.description)
}

@Suite("JSONSchemaValidator keywords")
struct JSONSchemaValidatorTests {
    @Test func typeSingleName() throws {
        #expect(try violations(#""a""#, #"{"type": "string"}"#) == [])
        #expect(try violations("3", #"{"type": "string"}"#) == ["args must be a string, got integer 3"])
        #expect(try violations("null", #"{"type": "null"}"#) == [])
        #expect(try violations("false", #"{"type": "null"}"#) == ["args must be null, got boolean false"])
        #expect(try violations("{}", #"{"type": "object"}"#) == [])
        #expect(try violations("[]", #"{"type": "object"}"#) == ["args must be an object, got array"])
        #expect(try violations("[]", #"{"type": "array"}"#) == [])
        #expect(try violations("true", #"{"type": "boolean"}"#) == [])
        #expect(try violations(#""x""#, #"{"type": "number"}"#) == ["args must be a number, got string"])
    }

    @Test func typeArrayOfNames() throws {
        let schema = #"{"type": ["string", "null"]}"#
        #expect(try violations("null", schema) == [])
        #expect(try violations(#""s""#, schema) == [])
        #expect(try violations("{}", schema) == ["args must be a string or null, got object"])
    }

    @Test func integerAcceptsOnlyJSONIntegers() throws {
        #expect(try violations("1", #"{"type": "integer"}"#) == [])
        #expect(try violations("123456789012345678901234567890", #"{"type": "integer"}"#) == [])
        #expect(try violations("1.0", #"{"type": "integer"}"#) == ["args must be an integer, got number 1.0"])
        #expect(try violations("1e2", #"{"type": "integer"}"#) == ["args must be an integer, got number 100.0"])
    }

    @Test func numberAcceptsIntegersAndFloats() throws {
        #expect(try violations("1", #"{"type": "number"}"#) == [])
        #expect(try violations("1.5", #"{"type": "number"}"#) == [])
        #expect(try violations("true", #"{"type": "number"}"#) == ["args must be a number, got boolean true"])
    }

    @Test func propertiesCheckEachPresentMember() throws {
        let schema = #"{"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}}"#
        #expect(try violations(#"{"a": 1}"#, schema) == [])
        #expect(try violations(#"{"a": "1", "b": 2, "c": null}"#, schema) == [
            "args.a must be an integer, got string", "args.b must be a string, got integer 2",
        ])
    }

    @Test func requiredNamesEachMissingMember() throws {
        let schema = #"{"required": ["a", "b"]}"#
        #expect(try violations(#"{"a": 1, "b": null}"#, schema) == [])
        #expect(try violations(#"{"b": 1}"#, schema) == ["args.a is required"])
        #expect(try violations("{}", schema) == ["args.a is required", "args.b is required"])
        #expect(try violations("[]", schema) == [])  // applies to objects only
    }

    @Test func additionalPropertiesFalseListsAllowedMembers() throws {
        let schema = #"{"properties": {"a": {}, "b": {}}, "additionalProperties": false}"#
        #expect(try violations(#"{"a": 1, "b": 2}"#, schema) == [])
        #expect(try violations(#"{"a": 1, "zz": 2}"#, schema) == ["args.zz is not an allowed member (allowed: a, b)"])
    }

    @Test func additionalPropertiesSchemaChecksTheOthers() throws {
        let schema = #"{"properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}}"#
        #expect(try violations(#"{"a": "x", "n": 1, "m": 2}"#, schema) == [])
        #expect(try violations(#"{"a": "x", "n": 1.5}"#, schema) == ["args.n must be an integer, got number 1.5"])
        #expect(try violations(#"{"a": 1}"#, #"{"additionalProperties": true}"#) == [])
    }

    @Test func itemsChecksEveryElement() throws {
        let schema = #"{"type": "array", "items": {"type": "number"}}"#
        #expect(try violations("[1, 2.5, -3]", schema) == [])
        #expect(try violations(#"[1, "2", 3, null]"#, schema) == [
            "args[1] must be a number, got string", "args[3] must be a number, got null",
        ])
    }

    @Test func minItemsAndMaxItems() throws {
        let schema = #"{"minItems": 1, "maxItems": 2}"#
        #expect(try violations("[1]", schema) == [])
        #expect(try violations("[1, 2]", schema) == [])
        #expect(try violations("[]", schema) == ["args must have at least 1 item, got 0"])
        #expect(try violations("[1, 2, 3]", schema) == ["args must have at most 2 items, got 3"])
    }

    @Test func minimumAndMaximumAreInclusive() throws {
        let schema = #"{"minimum": 1, "maximum": 20}"#
        #expect(try violations("1", schema) == [])
        #expect(try violations("20", schema) == [])
        #expect(try violations("20.0", schema) == [])
        #expect(try violations("0.999", schema) == ["args must be at least 1, got 0.999"])
        #expect(try violations("20.5", schema) == ["args must be at most 20, got 20.5"])
        #expect(try violations(#""21""#, schema) == [])  // applies to numbers only
    }

    @Test func exclusiveBoundsExcludeTheBound() throws {
        let schema = #"{"exclusiveMinimum": 0, "exclusiveMaximum": 1.5}"#
        #expect(try violations("1", schema) == [])
        #expect(try violations("0.0001", schema) == [])
        #expect(try violations("0", schema) == ["args must be greater than 0, got 0"])
        #expect(try violations("1.5", schema) == ["args must be less than 1.5, got 1.5"])
        #expect(try violations("2", schema) == ["args must be less than 1.5, got 2"])
    }

    @Test func minLengthAndMaxLengthCountUnicodeScalars() throws {
        let schema = #"{"minLength": 2, "maxLength": 3}"#
        #expect(try violations(#""ab""#, schema) == [])
        #expect(try violations(#""😀😀😀""#, schema) == [])  // 3 scalars, 6 UTF-16 units
        #expect(try violations(#""e\u0301""#, schema) == [])  // 2 scalars, 1 character
        #expect(try violations(#""a""#, schema) == ["args must be at least 2 characters long, got 1"])
        #expect(try violations(#""abcd""#, schema) == ["args must be at most 3 characters long, got 4"])
        #expect(try violations(#""x""#, #"{"minLength": 1}"#) == [])
        #expect(try violations(#""""#, #"{"minLength": 1}"#) == ["args must be at least 1 character long, got 0"])
    }

    @Test func enumComparesByJSONValue() throws {
        let schema = #"{"enum": ["sync", "async", 1, null]}"#
        #expect(try violations(#""async""#, schema) == [])
        #expect(try violations("1.0", schema) == [])  // numbers compare by value
        #expect(try violations("null", schema) == [])
        #expect(try violations(#""Sync""#, schema) == [#"args must be one of "sync", "async", 1 or null"#])
        #expect(try violations(#"{"a": [1, 2]}"#, #"{"enum": [{"a": [1, 2.0]}]}"#) == [])
    }

    @Test func constRequiresOneValue() throws {
        #expect(try violations(#"{"b": 2, "a": 1}"#, #"{"const": {"a": 1, "b": 2}}"#) == [])
        #expect(try violations(#""x""#, #"{"const": "mcp/0.1"}"#) == [#"args must be "mcp/0.1""#])
        #expect(try violations("[1]", #"{"const": [1, 2]}"#) == ["args must be [1,2]"])
    }

    @Test func booleanSchemas() throws {
        #expect(try violations("123", "true") == [])
        #expect(try violations("123", "false") == ["args is not allowed"])
        #expect(try violations(#"{"a": 1}"#, #"{"properties": {"a": false}}"#) == ["args.a is not allowed"])
    }

    @Test func annotationsAndUnknownKeywordsAreIgnored() throws {
        let schema = #"{"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "T", "description": "D", "default": 3, "examples": [1], "x-vendor": true}"#
        #expect(try violations(#""anything""#, schema) == [])
    }

    @Test func invalidSchemaFailsClosed() throws {
        let found = JSONSchemaValidator.validate(1, against: ["type": "int"])
        #expect(found.map(\.keyword) == ["schema"])
        #expect(found.first?.message == #"cannot be checked: invalid schema: unknown type "int""#)
        #expect(try violations("1", #"{"minimum": "0"}"#) == [#"args cannot be checked: invalid schema: "minimum" must be a number, got string"#])
        #expect(try violations("[]", #"{"minItems": -1}"#) == ["args cannot be checked: invalid schema: \"minItems\" must be a non-negative integer, got -1"])
        #expect(try violations("1", "[]") == ["args cannot be checked: invalid schema: a schema must be an object or a boolean, got array"])
    }
}
