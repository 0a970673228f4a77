import CHiredis

/// Constant-time comparison of a computed signature with the one carried.
public enum SignatureCheck {
    /// True when `carried` is exactly `expectedHex`: same length, lower-case
    /// hex only (the original design compares strings, so `ABCD…` fails), the
    /// bytes compared in constant time. A wrong length fails at once (length
    /// is not secret); content never causes an early exit.
    public static func matches(expectedHex: String, carried: String) -> Bool {
        let expected = Array(expectedHex.utf8)
        let received = Array(carried.utf8)
        guard !expected.isEmpty, expected.count == received.count else { return false }
        var allLowerHex: UInt8 = 1
        for byte in received {
            allLowerHex &= isLowerHexDigit(byte)
        }
        let equal = chiredis_constant_time_equal(expected, received, expected.count)
        return equal == 1 && allLowerHex == 1
    }

    /// Constant-time equality of two byte strings (a length mismatch fails at once).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard !a.isEmpty, a.count == b.count else { return false }
        return chiredis_constant_time_equal(a, b, a.count) == 1
    }

    /// 1 for `0-9a-f`, else 0, computed without branching on the byte.
    @inline(__always)
    private static func isLowerHexDigit(_ byte: UInt8) -> UInt8 {
        let digit: UInt8 = (byte &- 0x30) < 10 ? 1 : 0
        let letter: UInt8 = (byte &- 0x61) < 6 ? 1 : 0
        return digit | letter
    }
}
