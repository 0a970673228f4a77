import MCPWire

/// An exact running sum of JSON integers of any size, in time linear in the
/// digits added (`batch_sum` must not be quadratic in its input).
///
/// Adding into one signed total would make every addend cost the length of the
/// total (a 100 000-digit first number and 40 000 small ones cost 4·10⁹ digit
/// steps), and alternating `+1`/`-1` around a power of ten would ripple a carry
/// or borrow through the whole total each time. So small addends accumulate in
/// an `Int64` and large ones are added in place into two magnitudes, positives
/// and negatives, that only grow: a carry runs past a digit only by turning a 9
/// into a 0, so carries cost at most the digits added. One subtraction at the
/// end gives the signed total.
struct ExactSum: Sendable {
    /// The `Int64` part of the running sum.
    private var small: Int64 = 0
    /// Sum of the positive addends flushed here, decimal digits least significant first.
    private var positive: [UInt8] = []
    /// Sum of the magnitudes of the negative addends flushed here.
    private var negative: [UInt8] = []
    /// Digit steps done so far (adds and carries): what tests check for linearity.
    private(set) var digitSteps = 0

    /// Adds one integer.
    mutating func add(_ integer: JSONInteger) {
        if let value = integer.int64 {
            let (sum, overflow) = small.addingReportingOverflow(value)
            if !overflow {
                small = sum
                return
            }
            flushSmall()
            small = value
            return
        }
        var digits = Substring(integer.text).utf8
        if integer.isNegative {
            digits = digits.dropFirst()
            Self.addDecimal(digits, into: &negative, steps: &digitSteps)
        } else {
            Self.addDecimal(digits, into: &positive, steps: &digitSteps)
        }
    }

    /// The exact total.
    var total: ExactInteger {
        var sum = ExactInteger(small)
        if !positive.isEmpty { sum = sum + ExactInteger(magnitude: positive, isNegative: false) }
        if !negative.isEmpty { sum = sum + ExactInteger(magnitude: negative, isNegative: true) }
        return sum
    }

    /// The total when it fits in `Int64` without anything flushed.
    var smallTotal: Int64? {
        positive.isEmpty && negative.isEmpty ? small : nil
    }

    private mutating func flushSmall() {
        let magnitude = String(small.magnitude)
        if small < 0 {
            Self.addDecimal(Substring(magnitude).utf8, into: &negative, steps: &digitSteps)
        } else {
            Self.addDecimal(Substring(magnitude).utf8, into: &positive, steps: &digitSteps)
        }
        small = 0
    }

    /// `accumulator += digits` in place; `digits` is ASCII decimal, most significant first.
    private static func addDecimal(_ digits: Substring.UTF8View, into accumulator: inout [UInt8], steps: inout Int) {
        if accumulator.count < digits.count {
            accumulator.append(contentsOf: repeatElement(0, count: digits.count - accumulator.count))
        }
        var carry: UInt8 = 0
        var index = 0
        for byte in digits.reversed() {
            let digit = byte &- UInt8(ascii: "0")
            let sum = accumulator[index] &+ (digit <= 9 ? digit : 0) &+ carry
            carry = sum >= 10 ? 1 : 0
            accumulator[index] = sum >= 10 ? sum - 10 : sum
            index += 1
        }
        steps += index
        while carry > 0 {
            if index == accumulator.count {
                accumulator.append(1)
                carry = 0
            } else if accumulator[index] == 9 {
                accumulator[index] = 0
                index += 1
            } else {
                accumulator[index] += 1
                carry = 0
            }
            steps += 1
        }
    }
}
