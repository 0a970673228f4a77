/// Why an HTTP message signature was refused; `code` is stable and goes into
/// the JSON-RPC error the client sees.
public struct HTTPSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `missing_signature`, `malformed_signature`, `unsupported_algorithm`,
    /// `missing_component`, `bad_digest`, `unknown_client`, `bad_signature`,
    /// `stale_request`, `missing_nonce`, `replayed`.
    public let code: String
    /// What is wrong and what to do.
    public let message: String

    /// Creates an error.
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
