/// A stream entry id (`<ms>-<seq>`, both unsigned 64-bit), decoded from the
/// text Redis returns. Any writer may choose explicit ids, up to
/// `18446744073709551615-18446744073709551615`, so arithmetic on them must
/// never overflow: ``successor`` is `nil` past the last possible id.
public struct StreamID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The milliseconds part.
    public let milliseconds: UInt64
    /// The sequence part.
    public let sequence: UInt64

    /// The smallest id, `0-0`.
    public static let zero = StreamID(milliseconds: 0, sequence: 0)
    /// The largest id Redis accepts.
    public static let max = StreamID(milliseconds: .max, sequence: .max)

    /// Creates an id from its parts.
    public init(milliseconds: UInt64, sequence: UInt64) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    /// Parses `ms-seq` or `ms` (sequence 0); `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count <= 2, let first = parts.first, let ms = Self.decimal(first) else { return nil }
        if parts.count == 2 {
            guard let seq = Self.decimal(parts[1]) else { return nil }
            self.init(milliseconds: ms, sequence: seq)
        } else {
            self.init(milliseconds: ms, sequence: 0)
        }
    }

    /// The id right after this one (`5-3` → `5-4`, `5-max` → `6-0`), `nil` after ``max``.
    public var successor: StreamID? {
        if sequence < .max { return StreamID(milliseconds: milliseconds, sequence: sequence + 1) }
        guard milliseconds < .max else { return nil }
        return StreamID(milliseconds: milliseconds + 1, sequence: 0)
    }

    /// `ms-seq`.
    public var description: String { "\(milliseconds)-\(sequence)" }

    /// Orders by milliseconds, then sequence.
    public static func < (lhs: StreamID, rhs: StreamID) -> Bool {
        (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence)
    }

    private static func decimal(_ digits: Substring.UTF8View.SubSequence) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 20, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}
