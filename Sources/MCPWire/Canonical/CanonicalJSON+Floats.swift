/// Python `float.__repr__` layout for binary64 values (vectors README rule N3).
extension CanonicalJSON {
    /// Writes a float: `0.0`/`-0.0` for zeros; otherwise the shortest
    /// round-tripping digits (taken from Swift's `description`, which has the
    /// same digits and exponent as Python) laid out positionally when
    /// `-4 <= exponent < 16` and as `d.ddde±XX` otherwise. Swift's own layout
    /// differs for 2^53 < |x| < 10^16, so it is never emitted directly.
    static func writeFloat(_ number: Double, into buffer: inout [UInt8]) {
        if number.isNaN {
            buffer.append(contentsOf: Array("NaN".utf8))
            return
        }
        if number.isInfinite {
            buffer.append(contentsOf: Array((number < 0 ? "-Infinity" : "Infinity").utf8))
            return
        }
        if number.sign == .minus { buffer.append(UInt8(ascii: "-")) }
        if number == 0 {
            buffer.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: "."), UInt8(ascii: "0")])
            return
        }
        let (digits, exponent) = shortestDigits(number.magnitude)
        layOut(digits: digits, exponent: exponent, into: &buffer)
    }

    /// The shortest digit string `d1 d2 … dn` (no leading or trailing zeros,
    /// at least one digit) and exponent `e` with `x = d1.d2…dn × 10^e`,
    /// read from Swift's `description` (`"1e-05"`, `"9.833514165910188e+15"`,
    /// `"0.0001"`, `"100.0"`).
    static func shortestDigits(_ magnitude: Double) -> (digits: [UInt8], exponent: Int) {
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var integerDigits = -1
        var exponent = 0
        var exponentSign = 1
        var inExponent = false
        for byte in magnitude.description.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent {
                    exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                } else {
                    digits.append(byte)
                }
            case UInt8(ascii: "."):
                integerDigits = digits.count
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                if integerDigits < 0 { integerDigits = digits.count }
                inExponent = true
            case UInt8(ascii: "-"):
                exponentSign = -1
            default:
                break
            }
        }
        if integerDigits < 0 { integerDigits = digits.count }
        var leadingZeros = 0
        while leadingZeros < digits.count - 1, digits[leadingZeros] == UInt8(ascii: "0") {
            leadingZeros += 1
        }
        if leadingZeros > 0 {
            digits.removeFirst(leadingZeros)
            integerDigits -= leadingZeros
        }
        while digits.count > 1, digits[digits.count - 1] == UInt8(ascii: "0") {
            digits.removeLast()
        }
        return (digits, integerDigits - 1 + exponentSign * exponent)
    }

    /// Steps 2–3 of rule N3 (the sign is already written).
    static func layOut(digits: [UInt8], exponent: Int, into buffer: inout [UInt8]) {
        let zero = UInt8(ascii: "0")
        if exponent >= 0, exponent < 16 {
            for index in 0...exponent {
                buffer.append(index < digits.count ? digits[index] : zero)
            }
            buffer.append(UInt8(ascii: "."))
            if digits.count > exponent + 1 {
                buffer.append(contentsOf: digits[(exponent + 1)...])
            } else {
                buffer.append(zero)
            }
        } else if exponent < 0, exponent >= -4 {
            buffer.append(zero)
            buffer.append(UInt8(ascii: "."))
            for _ in 0..<(-exponent - 1) { buffer.append(zero) }
            buffer.append(contentsOf: digits)
        } else {
            buffer.append(digits[0])
            if digits.count > 1 {
                buffer.append(UInt8(ascii: "."))
                buffer.append(contentsOf: digits[1...])
            }
            buffer.append(UInt8(ascii: "e"))
            buffer.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = exponent.magnitude
            if magnitude < 10 { buffer.append(zero) }
            buffer.append(contentsOf: String(magnitude).utf8)
        }
    }
}
