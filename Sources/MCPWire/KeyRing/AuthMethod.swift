/// How a client may prove who it is (the key ring's `auth` list).
public enum AuthMethod: String, Sendable, CaseIterable {
    /// HMAC signatures with the client's secret: signed envelopes on `/v1` and
    /// ingress, RFC 9421 HTTP Message Signatures on `/mcp`. The strongest: every
    /// request is bound to its body, its target and a one-time nonce.
    case signature
    /// A static bearer token on `/mcp` (`Authorization: Bearer mcps_…`); the key
    /// ring keeps only its SHA-256 digest.
    case apiKey = "api_key"
    /// An OAuth 2.1 access token on `/mcp` from the configured issuer, whose
    /// client claim names this client.
    case oauth

    /// The accepted spellings, for error messages.
    public static let spellings = allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
}
