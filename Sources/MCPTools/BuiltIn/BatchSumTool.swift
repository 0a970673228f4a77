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
    /// Bounded and linear in its input: runs on the job's own task (no thread hop).
    public static let runsInline = true

    /// The tool.
    public init() {}

    /// `{"count": <integer>, "total": <integer or float>}`.
    public func run(_ arguments: Arguments, context: ToolContext) async throws -> JSONObject {
        [
            "count": .integer(JSONInteger(Int64(arguments.numbers.count))),
            "total": try Self.total(of: arguments.numbers, isCancelled: { Task.isCancelled }),
        ]
    }

    /// How many numbers are added between two cancellation checks.
    static let cancellationStride = 4096

    /// The Python-style sum of `numbers` (integers and floats; others ignored),
    /// in time linear in the input. Stops with `cancelled` when `isCancelled`
    /// says so (checked every ``cancellationStride`` numbers), so the worker's
    /// timeout and a client's cancel stop even a huge sum.
    static func total(of numbers: [JSONValue], isCancelled: () -> Bool = { false }) throws(ToolError) -> JSONValue {
        var sum = ExactSum()
        var index = 0
        // Integer prefix: exact.
        while index < numbers.count, case .integer(let integer) = numbers[index] {
            if index % cancellationStride == 0, isCancelled() { throw .cancelled("the sum was stopped") }
            sum.add(integer)
            index += 1
        }
        if index == numbers.count {
            return .integer(sum.smallTotal.map { JSONInteger($0) } ?? sum.total.jsonInteger)
        }
        // From the first float on, double arithmetic in order.
        var total = sum.smallTotal.map { Double($0) } ?? sum.total.double
        for number in numbers[index...] {
            if index % cancellationStride == 0, isCancelled() { throw .cancelled("the sum was stopped") }
            index += 1
            switch number {
            case .float(let value): total += value
            case .integer(let value): total += Double(value.text) ?? (value.isNegative ? -.infinity : .infinity)
            default: continue
            }
        }
        guard total.isFinite else {
            throw ToolError.failed("the total of args.numbers is too large for a double")
        }
        return .float(total)
    }
}
