import MCPWire

/// `batch_sum`: counts and adds a non-empty list of numbers, keeping number
/// kinds the way Python's `sum` does.
///
/// If every input is an integer the total is an exact integer of any size
/// (`[9223372036854775807, 9223372036854775807]` → `18446744073709551614`).
/// Once a float appears the running total becomes a float: the exact integer
/// sum so far is rounded to a double and the rest is added in order in
/// double arithmetic, so `[1, 2.5, 3, 10]` → `16.5`. A float total that
/// overflows is `tool_failed` (JSON has no infinity).
public struct BatchSumTool: Tool {
    /// `{"numbers": [number, …]}`, at least one number.
    public struct Arguments: ToolArguments, Equatable {
        /// The numbers, each `.integer` or `.float`, in order.
        public let numbers: [JSONValue]

        /// `{"type":"object","properties":{"numbers":{"type":"array","items":{"type":"number"},"minItems":1}},"required":["numbers"],"additionalProperties":false}`.
        public static let schema: JSONValue = [
            "type": "object",
            "properties": [
                "numbers": [
                    "type": "array",
                    "items": ["type": "number"],
                    "minItems": 1,
                    "description": "The numbers to add: integers, floats, or both.",
                ],
            ],
            "required": ["numbers"],
            "additionalProperties": false,
        ]

        /// Arguments for `numbers`, which must all be `.integer` or `.float`.
        public init(numbers: [JSONValue]) {
            self.numbers = numbers
        }

        /// Decodes `numbers`, rejecting an empty list, non-numbers (naming the
        /// element) and unknown members.
        public init(from reader: JSONObjectReader) throws {
            let numbers = try reader.member("numbers").array { (element) throws(WireDecodingError) -> JSONValue in
                switch element.value {
                case .integer, .float:
                    return element.value
                default:
                    throw WireDecodingError(
                        code: .wrongType, member: element.path,
                        message: "member \"\(element.path)\" must be a number, got \(element.value.typeName)")
                }
            }
            guard !numbers.isEmpty else {
                let path = reader.memberPath("numbers")
                throw WireDecodingError(
                    code: .invalidValue, member: path, message: "member \"\(path)\" must have at least 1 item, got 0")
            }
            try reader.finish()
            self.numbers = numbers
        }
    }

    /// `batch_sum`.
    public static let name = "batch_sum"
    /// Catalog text.
    public static let description = "Counts and adds a non-empty list of numbers (exact for integers)."
    /// Fast enough to answer inline.
    public static let mode = ToolMode.sync

    /// The tool.
    public init() {}

    /// `{"count": <integer>, "total": <integer or float>}`.
    public func run(_ arguments: Arguments, context: ToolContext) async throws -> JSONObject {
        [
            "count": .integer(JSONInteger(Int64(arguments.numbers.count))),
            "total": try Self.total(of: arguments.numbers),
        ]
    }

    /// The Python-style sum of `numbers` (integers and floats; others ignored).
    static func total(of numbers: [JSONValue]) throws(ToolError) -> JSONValue {
        var small: Int64? = 0
        var exact = ExactInteger.zero
        var index = 0
        // Integer prefix: Int64 while it fits, then exact decimal arithmetic.
        while index < numbers.count, case .integer(let integer) = numbers[index] {
            if let sum = small, let addend = integer.int64 {
                let (result, overflow) = sum.addingReportingOverflow(addend)
                if !overflow {
                    small = result
                    index += 1
                    continue
                }
            }
            if let sum = small {
                exact = ExactInteger(sum)
                small = nil
            }
            exact = exact + ExactInteger(integer)
            index += 1
        }
        if index == numbers.count {
            return .integer(small.map { JSONInteger($0) } ?? exact.jsonInteger)
        }
        // From the first float on, double arithmetic in order.
        var total = small.map { Double($0) } ?? exact.double
        for number in numbers[index...] {
            switch number {
            case .float(let value): total += value
            case .integer(let value): total += ExactInteger(value).double
            default: continue
            }
        }
        guard total.isFinite else {
            throw ToolError.failed("the total of args.numbers is too large for a double")
        }
        return .float(total)
    }
}
