import MCPWire

/// Job ids: 128 random bits as 32 lower-case hex digits, unguessable, so
/// knowing one job's id tells nothing about another's.
public enum JobID {
    /// A new random job id.
    public static func make() -> String {
        let (high, low) = SecureRandom.twoWords()
        return String(unsafeUninitializedCapacity: 32) { buffer in
            write(high, into: buffer, at: 0)
            write(low, into: buffer, at: 16)
            return 32
        }
    }

    /// Writes `value` as 16 lower-case hex digits, most significant first.
    private static func write(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for index in 0..<16 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xf
            buffer[offset + index] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble  // 0-9, a-f
        }
    }

    /// Whether a string has the shape of a job id (so malformed ids never reach Redis key names).
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
