/// Why strict JSON parsing failed, and where.
///
/// The gateway answers `malformed` with this message, so it names the problem
/// and the byte offset into the body (`duplicate key "a" at byte 12`).
public struct JSONParseError: Error, Sendable, Equatable {
    /// Stable, machine-readable reasons.
    public enum Code: String, Sendable {
        /// The input is empty or only whitespace.
        case emptyInput = "empty_input"
        /// A key repeats within one object (keys compared by UTF-8 bytes).
        case duplicateKey = "duplicate_key"
        /// `NaN`, `Infinity`, `-Infinity`, or a float that overflows binary64.
        case nonFiniteNumber = "non_finite_number"
        /// A `\uD800`–`\uDFFF` escape that is not part of a valid pair.
        case loneSurrogate = "lone_surrogate"
        /// Bytes that are not well-formed UTF-8.
        case invalidUTF8 = "invalid_utf8"
        /// Something other than whitespace after the value.
        case trailingData = "trailing_data"
        /// Arrays/objects nested deeper than the limit.
        case tooDeep = "too_deep"
        /// A byte that cannot start or continue a value here.
        case unexpectedCharacter = "unexpected_character"
        /// The input ends in the middle of a value.
        case unexpectedEnd = "unexpected_end"
        /// A raw U+0000–U+001F inside a string.
        case controlCharacter = "control_character"
        /// A malformed number (leading zero, missing digits).
        case invalidNumber = "invalid_number"
        /// A backslash escape JSON does not define, or bad `\u` hex digits.
        case invalidEscape = "invalid_escape"
    }

    /// The reason.
    public let code: Code
    /// Byte offset into the input where the problem was found.
    public let offset: Int
    /// A human sentence naming the problem and the offset.
    public let message: String

    /// Creates an error; `detail` is the message without the offset suffix.
    init(_ code: Code, at offset: Int, _ detail: String) {
        self.code = code
        self.offset = offset
        self.message = "\(detail) at byte \(offset)"
    }
}

extension JSONParseError: CustomStringConvertible {
    /// `code: message`, e.g. `duplicate_key: duplicate key "a" at byte 12`.
    public var description: String { "\(code.rawValue): \(message)" }
}
