import MCPWire

/// Exact ordering and equality of JSON numbers of either kind.
///
/// Integers are exact at any size and floats are binary64, so comparing
/// `18446744073709551615` with `1.8446744073709552e19` by converting both to
/// `Double` would call them equal. Here integers compare as integers, floats
/// as floats, and a mixed pair by the float's exact integral part.
enum NumberOrder {
    /// `-1`, `0` or `1` as `lhs` is below, equal to or above `rhs`; `nil`
    /// unless both are numbers or when a float is NaN.
    static func compare(_ lhs: JSONValue, _ rhs: JSONValue) -> Int? {
        switch (lhs, rhs) {
        case let (.integer(a), .integer(b)):
            if let a = a.int64, let b = b.int64 { return a < b ? -1 : (a == b ? 0 : 1) }
            return ExactInteger.compare(ExactInteger(a), ExactInteger(b))
        case let (.float(a), .float(b)):
            guard !a.isNaN, !b.isNaN else { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        case let (.integer(a), .float(b)):
            return compare(a, b)
        case let (.float(a), .integer(b)):
            return compare(b, a).map { -$0 }
        default:
            return nil
        }
    }

    /// Compares an exact integer with a double without rounding either.
    static func compare(_ integer: JSONInteger, _ double: Double) -> Int? {
        guard !double.isNaN else { return nil }
        if double == .infinity { return -1 }
        if double == -.infinity { return 1 }
        let floor = double.rounded(.down)
        guard let floorValue = ExactInteger(exactly: floor) else { return nil }
        let order = ExactInteger.compare(ExactInteger(integer), floorValue)
        if order != 0 { return order }
        // integer == floor(double): equal if double is integral, else below it.
        return floor == double ? 0 : -1
    }
}
