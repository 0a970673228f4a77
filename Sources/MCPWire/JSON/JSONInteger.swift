/// An exact JSON integer of any size, kept as its normalized decimal text.
///
/// mcp/0.1 signs integers exactly as written (`18446744073709551617` must
/// survive a round trip), so the value is never squeezed into a fixed-width
/// type. The text has no leading zeros and `-0` is normalized to `0`, which
/// makes text equality the same as numeric equality.
public struct JSONInteger: Sendable, Hashable {
    /// The normalized decimal text: `-?(0|[1-9][0-9]*)`, never `-0`.
    public let text: String

    /// Wraps text the caller has already normalized (the parser's lexeme).
    init(normalizedText: String) {
        self.text = normalizedText
    }

    /// Creates the integer for a 64-bit value, e.g. a timestamp built in code.
    public init(_ value: Int64) {
        self.text = String(value)
    }

    /// Creates the integer from decimal text in JSON's integer grammar
    /// (`-?(0|[1-9][0-9]*)`); `-0` becomes `0`. Returns `nil` for anything
    /// else (leading zeros, `+`, spaces, fractions), so no coercion slips in.
    public init?(decimal: String) {
        var utf8 = Array(decimal.utf8)
        guard JSONInteger.isIntegerLexeme(utf8) else { return nil }
        if utf8 == [UInt8(ascii: "-"), UInt8(ascii: "0")] { utf8 = [UInt8(ascii: "0")] }
        self.text = String(decoding: utf8, as: UTF8.self)
    }

    /// The value as `Int64`, or `nil` when it does not fit.
    public var int64: Int64? {
        Int64(text)
    }

    /// True for values below zero.
    public var isNegative: Bool {
        text.utf8.first == UInt8(ascii: "-")
    }

    /// Whether `bytes` is exactly a JSON integer token.
    static func isIntegerLexeme(_ bytes: [UInt8]) -> Bool {
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            return index + 1 == bytes.count
        }
        while index < bytes.count {
            guard bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else { return false }
            index += 1
        }
        return true
    }
}

extension JSONInteger: CustomStringConvertible {
    /// The normalized decimal text, as it appears in canonical JSON.
    public var description: String { text }
}

extension JSONInteger: ExpressibleByIntegerLiteral {
    /// Builds an integer from a literal, e.g. `tsMs: 1766383443222`.
    public init(integerLiteral value: Int64) {
        self.init(value)
    }
}
