/// Why a client call failed before a signed response could be read: a typed,
/// stable code, a message, and the cause (the transport's error), if any.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// The stable code; new codes never break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        /// The gateway could not be reached (connection refused, timeout, TLS).
        public static let transport = Code(raw: "transport")
        /// The body is not a response of the protocol spoken.
        public static let badResponse = Code(raw: "bad_response")
        /// The response is not signed with the server secret given, or not for this request.
        public static let badResponseSignature = Code(raw: "bad_response_signature")
        /// The code as text, e.g. `transport`.
        public var description: String { raw }
    }

    /// The stable code.
    public let code: Code
    /// What happened.
    public let message: String
    /// The error that caused this one (the HTTP client's, the decoder's), if any.
    public let underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(code: Code, message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
