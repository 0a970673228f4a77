@testable import MCPTools
import Synchronization
import MCPWire
import Testing

@Suite("batch_sum")
struct BatchSumToolTests {
    func run(_ args: String) async throws -> JSONObject {
        try await ToolRegistry.builtIn.run(name: "batch_sum", arguments: try object(args), context: makeContext())
    }

    @Test func mixedNumbersGiveAFloatTotal() async throws {
        let result = try await run(#"{"numbers": [1, 2.5, 3, 10]}"#)
        #expect(result["count"] == .integer(4))
        #expect(result["total"] == .float(16.5))
        #expect(CanonicalJSON.string(.object(result)) == #"{"count":4,"total":16.5}"#)
    }

    @Test func integersGiveAnExactIntegerTotal() async throws {
        let result = try await run(#"{"numbers": [1, 2, 3]}"#)
        #expect(result["count"] == .integer(3))
        #expect(result["total"] == .integer(6))
        #expect(CanonicalJSON.string(.object(result)) == #"{"count":3,"total":6}"#)
    }

    @Test func hugeIntegersAddExactly() async throws {
        let result = try await run(#"{"numbers": [9223372036854775807, 9223372036854775807]}"#)
        #expect(result["total"]?.integerValue?.text == "18446744073709551614")
    }

    @Test func integersBeyondInt64AndNegativesAddExactly() async throws {
        let result = try await run(#"{"numbers": [100000000000000000000000000001, -99999999999999999999999999999, -3]}"#)
        #expect(result["total"]?.integerValue?.text == "-1")
        let cancelling = try await run(#"{"numbers": [-9223372036854775808, -1, 1, 9223372036854775807]}"#)
        #expect(cancelling["total"] == .integer(-1))
    }

    @Test func floatsAddInOrderLikePython() async throws {
        // Python: sum([0.1, 0.2, 0.3]) == 0.6000000000000001
        let result = try await run(#"{"numbers": [0.1, 0.2, 0.3]}"#)
        #expect(result["total"] == .float(0.6000000000000001))
        // Python: sum([2**53, 1, 1, 0.0]) == 9007199254740994.0: the integers
        // before the first float add exactly (in doubles, 2**53 + 1 rounds back down).
        let prefix = try await run(#"{"numbers": [9007199254740992, 1, 1, 0.0]}"#)
        #expect(prefix["total"] == .float(9007199254740994.0))
        let single = try await run(#"{"numbers": [1.0]}"#)
        #expect(CanonicalJSON.string(single["total"] ?? .null) == "1.0")
    }

    @Test func floatOverflowIsToolFailed() async throws {
        let error = try await toolError("batch_sum", #"{"numbers": [1e308, 1e308]}"#)
        #expect(error?.code == "tool_failed")
    }

    @Test func emptyListIsInvalidArgsNamingNumbers() async throws {
        let error = try #require(await toolError("batch_sum", #"{"numbers": []}"#))
        #expect(error.code == "invalid_args")
        #expect(error.member == "args.numbers")
        #expect(error.message == "args.numbers must have at least 1 item, got 0")
    }

    @Test func stringElementIsInvalidArgsNamingTheElement() async throws {
        let error = try #require(await toolError("batch_sum", #"{"numbers": [1, "2", 3]}"#))
        #expect(error.code == "invalid_args")
        #expect(error.member == "args.numbers[1]")
        #expect(error.message == "args.numbers[1] must be a number, got string")
    }

    @Test func extraMemberIsInvalidArgsNamingIt() async throws {
        let error = try #require(await toolError("batch_sum", #"{"numbers": [1], "round": true}"#))
        #expect(error.code == "invalid_args")
        #expect(error.member == "args.round")
        #expect(error.message.hasPrefix("args.round is not an allowed member"))
    }

    @Test func missingNumbersIsInvalidArgs() async throws {
        let error = try #require(await toolError("batch_sum", "{}"))
        #expect(error.code == "invalid_args")
        #expect(error.message == "args.numbers is required")
    }

    @Test func decoderAloneIsStrict() throws {
        // The worker's own check, without the schema in front of it.
        let decode = { (text: String) throws in
            try BatchSumTool.Arguments(from: JSONObjectReader(try object(text), path: "args"))
        }
        #expect(try decode(#"{"numbers": [1, 2.5]}"#).numbers == [1, 2.5])
        #expect(throws: WireDecodingError(
            code: .wrongType, member: "args.numbers[1]",
            message: #"member "args.numbers[1]" must be a number, got string"#)) {
            try decode(#"{"numbers": [1, "x"]}"#)
        }
        #expect(throws: WireDecodingError(
            code: .invalidValue, member: "args.numbers",
            message: #"member "args.numbers" must have at least 1 item, got 0"#)) {
            try decode(#"{"numbers": []}"#)
        }
        #expect(throws: WireDecodingError(code: .extraMember, member: "args.x", message: #"unexpected member "args.x""#)) {
            try decode(#"{"numbers": [1], "x": 1}"#)
        }
    }
}

/// Fault 7: `batch_sum` was quadratic in its input (a 405 KB request ran 40 s).
@Suite("batch_sum stays linear and stoppable")
struct BatchSumScalingTests {
    static func integer(_ text: String) -> JSONValue { .integer(JSONInteger(decimal: text)!) }

    /// Digit steps per input digit stay flat as the input doubles, for the shapes that were quadratic.
    @Test(arguments: ["huge first, then small", "alternating around a power of ten", "many big"])
    func digitWorkIsLinearInTheInput(shape: String) {
        func steps(_ n: Int) -> (steps: Int, digits: Int) {
            var numbers: [JSONValue] = []
            switch shape {
            case "huge first, then small":
                numbers = [Self.integer("9" + String(repeating: "9", count: n))] + Array(repeating: Self.integer("99999999999999999999"), count: n / 10)
            case "alternating around a power of ten":
                numbers = [Self.integer("1" + String(repeating: "0", count: n))]
                for _ in 0 ..< n / 20 {
                    numbers.append(Self.integer("-10000000000000000000"))
                    numbers.append(Self.integer("10000000000000000000"))
                }
            default:
                numbers = Array(repeating: Self.integer(String(repeating: "9", count: 40)), count: n / 40)
            }
            var sum = ExactSum()
            var digits = 0
            for case .integer(let value) in numbers {
                sum.add(value)
                digits += value.text.utf8.count
            }
            _ = sum.total
            return (sum.digitSteps, digits)
        }
        let small = steps(20_000)
        let large = steps(80_000)
        let perDigitSmall = Double(small.steps) / Double(small.digits)
        let perDigitLarge = Double(large.steps) / Double(large.digits)
        #expect(perDigitLarge <= perDigitSmall * 1.2 + 0.1, "\(shape): \(perDigitSmall) → \(perDigitLarge) steps per digit")
    }

    @Test func theSumIsStillExact() throws {
        let numbers = [Self.integer("1" + String(repeating: "0", count: 50)), Self.integer("-1"), Self.integer("-9223372036854775808"), Self.integer("-9223372036854775808"), Self.integer("5")]
        let total = try BatchSumTool.total(of: numbers)
        #expect(total == Self.integer("99999999999999999999999999999981553255926290448388"))
    }

    @Test func aCancelledSumStops() {
        let numbers = Array(repeating: JSONValue.integer(JSONInteger(1)), count: 100_000)
        let checks = Mutex(0)
        #expect(throws: ToolError.cancelled("the sum was stopped")) {
            try BatchSumTool.total(of: numbers, isCancelled: { checks.withLock { $0 += 1; return $0 > 3 } })
        }
        #expect(checks.withLock { $0 } == 4)
    }
}
