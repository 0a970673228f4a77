/// Why a parsed JSON value does not have the shape a wire type requires.
///
/// Raised by `Envelope(json:)`, `Response(json:)` and `JSONObjectReader`. The
/// gateway reports it as `invalid_envelope` / `invalid_args`, so the message
/// names the member by its full path (`args.numbers[2]`).
public struct WireDecodingError: Error, Sendable, Equatable {
    /// Stable, machine-readable reasons.
    public enum Code: String, Sendable {
        /// The top-level value is not a JSON object.
        case notAnObject = "not_an_object"
        /// A required member is absent.
        case missingMember = "missing_member"
        /// A member that the type does not define is present.
        case extraMember = "extra_member"
        /// A member has the wrong JSON type (no coercion: `"123"` is not an integer).
        case wrongType = "wrong_type"
        /// An integer does not fit the range the reader asked for.
        case outOfRange = "out_of_range"
        /// A member has the right type but a value outside its allowed set.
        case invalidValue = "invalid_value"
    }

    /// The reason.
    public let code: Code
    /// The full member path (`ts_ms`, `args.numbers[2]`); `nil` for the top level.
    public let member: String?
    /// A human sentence naming the member and the problem.
    public let message: String

    /// Creates an error with an explicit message.
    public init(code: Code, member: String?, message: String) {
        self.code = code
        self.member = member
        self.message = message
    }

    /// `member "path" must be <expected>, got <type>`.
    static func wrongType(_ path: String, expected: String, got value: JSONValue) -> WireDecodingError {
        WireDecodingError(
            code: .wrongType, member: path,
            message: "member \"\(path)\" must be \(expected), got \(value.typeName)")
    }

    /// `missing member "path"`.
    static func missing(_ path: String) -> WireDecodingError {
        WireDecodingError(code: .missingMember, member: path, message: "missing member \"\(path)\"")
    }

    /// `unexpected member "path"`.
    static func extra(_ path: String) -> WireDecodingError {
        WireDecodingError(code: .extraMember, member: path, message: "unexpected member \"\(path)\"")
    }

    /// The top level is not an object.
    static func notAnObject(_ value: JSONValue) -> WireDecodingError {
        WireDecodingError(
            code: .notAnObject, member: nil, message: "expected a JSON object, got \(value.typeName)")
    }
}

extension WireDecodingError: CustomStringConvertible {
    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
