import MCPWire

/// An integer of any size for exact sums and comparisons (`batch_sum` totals,
/// schema bounds), kept as a sign and little-endian decimal digits.
///
/// Deliberately small: addition, ordering and decimal text are all the
/// module needs. Zero has no digits and is never negative.
struct ExactInteger: Sendable, Equatable {
    /// True for values below zero.
    private(set) var isNegative: Bool
    /// Decimal digits, least significant first, without leading zeros.
    private(set) var digits: [UInt8]

    /// Zero.
    static let zero = ExactInteger(isNegative: false, digits: [])

    private init(isNegative: Bool, digits: [UInt8]) {
        var digits = digits
        while digits.last == 0 { digits.removeLast() }
        self.digits = digits
        self.isNegative = digits.isEmpty ? false : isNegative
    }

    /// A value from a magnitude (decimal digits, least significant first) and a sign.
    init(magnitude: [UInt8], isNegative: Bool) {
        self.init(isNegative: isNegative, digits: magnitude)
    }

    /// The value of a JSON integer (its text is already normalized).
    init(_ integer: JSONInteger) {
        var magnitude = Substring(integer.text)
        let negative = magnitude.first == "-"
        if negative { magnitude = magnitude.dropFirst() }
        self.init(isNegative: negative, digits: magnitude.utf8.reversed().map { $0 &- UInt8(ascii: "0") })
    }

    /// The value of a 64-bit integer.
    init(_ value: Int64) {
        var magnitude = value.magnitude
        var digits: [UInt8] = []
        while magnitude > 0 {
            digits.append(UInt8(magnitude % 10))
            magnitude /= 10
        }
        self.init(isNegative: value < 0, digits: digits)
    }

    /// The exact value of an integral, finite double (`1e300` has 301 digits);
    /// `nil` for fractions, infinities and NaN.
    init?(exactly value: Double) {
        guard value.isFinite, value == value.rounded(.towardZero) else { return nil }
        if let small = Int64(exactly: value) {
            self.init(small)
            return
        }
        // |value| ≥ 2^63: value = significand × 2^(exponent − 52), exponent ≥ 63 (at most 1023).
        // Multiplied out in base-10^9 limbs, up to 2^30 at a time: about 35 multiplications of at
        // most 35 limbs for 1e308 (doubling decimal digits one bit at a time took ~1 000 × 300).
        let significand = (UInt64(1) << 52) | value.significandBitPattern
        let base: UInt64 = 1_000_000_000
        var limbs: [UInt64] = [significand % base, significand / base % base, significand / base / base]
        var remaining = max(0, Int(value.exponent) - 52)
        while remaining > 0 {
            let shift = min(remaining, 30)
            remaining -= shift
            var carry: UInt64 = 0
            for index in limbs.indices {
                let product = limbs[index] << UInt64(shift) + carry  // < 10^9 × 2^30 + 2^30 < 2^60
                limbs[index] = product % base
                carry = product / base
            }
            while carry > 0 {
                limbs.append(carry % base)
                carry /= base
            }
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(limbs.count * 9)
        for limb in limbs {
            var rest = limb
            for _ in 0 ..< 9 {
                digits.append(UInt8(rest % 10))
                rest /= 10
            }
        }
        while digits.last == 0 { digits.removeLast() }
        self.init(isNegative: value < 0, digits: digits)
    }

    /// The normalized decimal text, e.g. `-18446744073709551614`.
    var text: String {
        guard !digits.isEmpty else { return "0" }
        var bytes: [UInt8] = isNegative ? [UInt8(ascii: "-")] : []
        bytes.reserveCapacity(digits.count + 1)
        for digit in digits.reversed() { bytes.append(digit + UInt8(ascii: "0")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value as a JSON integer.
    var jsonInteger: JSONInteger {
        // `text` is always in JSON's integer grammar.
        JSONInteger(decimal: text) ?? JSONInteger(0)
    }

    /// The nearest double (infinite beyond the double range).
    var double: Double {
        Double(text) ?? (isNegative ? -.infinity : .infinity)
    }

    /// The exact sum.
    static func + (lhs: ExactInteger, rhs: ExactInteger) -> ExactInteger {
        if lhs.isNegative == rhs.isNegative {
            return ExactInteger(isNegative: lhs.isNegative, digits: addMagnitudes(lhs.digits, rhs.digits))
        }
        switch compareMagnitudes(lhs.digits, rhs.digits) {
        case 0:
            return .zero
        case 1:
            return ExactInteger(isNegative: lhs.isNegative, digits: subtractMagnitudes(lhs.digits, rhs.digits))
        default:
            return ExactInteger(isNegative: rhs.isNegative, digits: subtractMagnitudes(rhs.digits, lhs.digits))
        }
    }

    /// `-1`, `0` or `1` as `lhs` is below, equal to or above `rhs`.
    static func compare(_ lhs: ExactInteger, _ rhs: ExactInteger) -> Int {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative ? -1 : 1 }
        let order = compareMagnitudes(lhs.digits, rhs.digits)
        return lhs.isNegative ? -order : order
    }
}

extension ExactInteger {
    /// Digit-wise sum of two magnitudes.
    static func addMagnitudes(_ lhs: [UInt8], _ rhs: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(max(lhs.count, rhs.count) + 1)
        var carry: UInt8 = 0
        for index in 0 ..< max(lhs.count, rhs.count) {
            let sum = (index < lhs.count ? lhs[index] : 0) + (index < rhs.count ? rhs[index] : 0) + carry
            result.append(sum % 10)
            carry = sum / 10
        }
        if carry > 0 { result.append(carry) }
        return result
    }

    /// `larger − smaller` for magnitudes with `larger ≥ smaller`.
    static func subtractMagnitudes(_ larger: [UInt8], _ smaller: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(larger.count)
        var borrow: UInt8 = 0
        for index in 0 ..< larger.count {
            let subtrahend = (index < smaller.count ? smaller[index] : 0) + borrow
            if larger[index] >= subtrahend {
                result.append(larger[index] - subtrahend)
                borrow = 0
            } else {
                result.append(larger[index] + 10 - subtrahend)
                borrow = 1
            }
        }
        return result
    }

    /// `-1`, `0` or `1` comparing two magnitudes without leading zeros.
    static func compareMagnitudes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        if lhs.count != rhs.count { return lhs.count < rhs.count ? -1 : 1 }
        for index in stride(from: lhs.count - 1, through: 0, by: -1) where lhs[index] != rhs[index] {
            return lhs[index] < rhs[index] ? -1 : 1
        }
        return 0
    }
}
