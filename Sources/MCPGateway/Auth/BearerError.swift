/// Why a bearer-authenticated `/mcp` request (API key or OAuth access token)
/// was refused: a stable code the client sees as `data.code`, a message, the
/// HTTP status (401, 403 for a missing scope, 503 when the keys cannot be
/// loaded), and what the `WWW-Authenticate` challenge says (RFC 6750 §3).
struct BearerError: Error, Sendable, CustomStringConvertible {
    /// The stable codes.
    enum Code: String, Sendable {
        /// No `Authorization` header and no signature.
        case missingCredentials = "missing_credentials"
        /// `Authorization` is not `Bearer <token>` or `DPoP <token>`, or is sent twice.
        case malformedAuthorization = "malformed_authorization"
        /// The token is no API key of the key ring (and no access token).
        case unknownAPIKey = "unknown_api_key"
        /// The client exists but its key ring `auth` does not list this method.
        case authMethodNotAllowed = "auth_method_not_allowed"
        /// An access token, but this gateway accepts no OAuth tokens.
        case oauthNotConfigured = "oauth_not_configured"
        /// Not a compact JWS with JSON header and claims of the right types.
        case malformedToken = "malformed_token"
        /// `alg` is not RS256, ES256 or EdDSA (`none` and HMAC are always refused).
        case unsupportedTokenAlgorithm = "unsupported_token_algorithm"
        /// The JOSE header lists critical extensions (`crit`, RFC 7515 §4.1.11): this server
        /// understands none, so it must refuse the token rather than ignore them.
        case unsupportedCriticalHeader = "unsupported_critical_header"
        /// `kid` names no key of the issuer's JWKS, even after reloading it.
        case unknownKeyID = "unknown_key_id"
        /// The signature does not verify (a tampered or forged token).
        case badTokenSignature = "bad_token_signature"
        /// `exp` has passed.
        case tokenExpired = "token_expired"
        /// `nbf` or `iat` is in the future.
        case tokenNotYetValid = "token_not_yet_valid"
        /// `iss` is not the configured issuer.
        case wrongIssuer = "wrong_issuer"
        /// `aud` does not contain this server's resource URL (a token for another resource).
        case wrongAudience = "wrong_audience"
        /// The token's client is not in the key ring and unlisted clients are refused.
        case unknownClient = "unknown_client"
        /// The token is DPoP-bound (`cnf.jkt`) and the request has no valid `DPoP` proof.
        case dpopProofRequired = "dpop_proof_required"
        /// `Authorization: DPoP` with a credential that is not DPoP-bound (an API key, a token without `cnf.jkt`):
        /// a proof sent with it would bind nothing, so the scheme is refused rather than the proof ignored.
        case dpopSchemeUnbound = "dpop_scheme_unbound"
        /// The DPoP proof is malformed, signed by another key, or for another request.
        case invalidDPoPProof = "invalid_dpop_proof"
        /// The token's scopes do not cover the tool (403).
        case insufficientScope = "insufficient_scope"
        /// The issuer's keys cannot be loaded right now (503).
        case keysUnavailable = "keys_unavailable"
    }

    /// What the `WWW-Authenticate` challenge reports (RFC 6750 §3.1).
    enum Challenge: String, Sendable {
        /// The request carried no credentials: the challenge names no error.
        case none
        /// `error="invalid_request"`.
        case invalidRequest = "invalid_request"
        /// `error="invalid_token"`.
        case invalidToken = "invalid_token"
        /// `error="insufficient_scope"`.
        case insufficientScope = "insufficient_scope"
    }

    let code: Code
    let message: String
    let challenge: Challenge
    /// The scope the request needed (for `insufficient_scope`).
    let scope: String?
    /// Whether the refusal concerns a DPoP proof (adds a `DPoP` challenge).
    let dpop: Bool

    init(_ code: Code, _ message: String, challenge: Challenge = .invalidToken, scope: String? = nil, dpop: Bool = false) {
        self.code = code
        self.message = message
        self.challenge = challenge
        self.scope = scope
        self.dpop = dpop
    }

    /// The HTTP status: 403 for a missing scope, 503 for unloadable keys, else 401.
    var isForbidden: Bool { code == .insufficientScope }

    /// `code: message`.
    var description: String { "\(code.rawValue): \(message)" }
}
