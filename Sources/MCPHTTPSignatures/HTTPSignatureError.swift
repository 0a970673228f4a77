/// Why an HTTP message signature was refused: a typed, stable code (it goes
/// into the JSON-RPC error the client sees), a message, and the cause, if any.
public struct HTTPSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable code; new codes never break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        /// `Content-Digest` does not match the body.
        public static let badDigest = Code(raw: "bad_digest")
        /// The MAC does not match.
        public static let badSignature = Code(raw: "bad_signature")
        /// The signature's `expires` has passed.
        public static let expiredSignature = Code(raw: "expired_signature")
        /// `Signature-Input` or `Signature` is not what RFC 9421 describes.
        public static let malformedSignature = Code(raw: "malformed_signature")
        /// The signature does not cover a required component.
        public static let missingComponent = Code(raw: "missing_component")
        /// The signature carries no `nonce`.
        public static let missingNonce = Code(raw: "missing_nonce")
        /// The request is not signed.
        public static let missingSignature = Code(raw: "missing_signature")
        /// `created` is outside the skew window.
        public static let staleRequest = Code(raw: "stale_request")
        /// `keyid` names no client in the key ring.
        public static let unknownClient = Code(raw: "unknown_client")
        /// The key ring does not let this client sign (its `auth` lacks `signature`).
        public static let authMethodNotAllowed = Code(raw: "auth_method_not_allowed")
        /// `alg` is not `hmac-sha256`.
        public static let unsupportedAlgorithm = Code(raw: "unsupported_algorithm")
        /// The request was signed for another origin.
        public static let wrongTarget = Code(raw: "wrong_target")
        /// `replayed`: the nonce was used before (reported by the gateway's replay guard).
        public static let replayed = Code(raw: "replayed")
        /// The code as the client sees it, e.g. `bad_signature`.
        public var description: String { raw }
    }

    /// The stable code.
    public let code: Code
    /// What is wrong and what to do.
    public let message: String
    /// The error that caused this one (a structured-field parse error), for logs.
    public let underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// Equal when code and message are (the cause is not compared).
    public static func == (lhs: HTTPSignatureError, rhs: HTTPSignatureError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
