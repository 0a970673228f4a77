import MCPTools
import MCPWire
import Testing

/// The `simulate` test tool's schema bounds what its decoder takes, so the gateway refuses what a worker would.
@Suite("simulate schema")
struct SimulateSchemaTests {
    @Test(arguments: ["9223372036854775807", "9223372036854775808", "18446744073709551616"])
    func failUntilMsPastInt64IsRefusedAtTheSchema(digits: String) throws {
        let args = try JSONParser.parse(Array("{\"fail_until_ms\":\(digits)}".utf8))
        let violation = JSONSchemaValidator.firstViolation(args, against: SimulateTool.Arguments.schema)
        #expect((violation == nil) == (digits == "9223372036854775807"), "\(digits): \(String(describing: violation))")
    }
}
