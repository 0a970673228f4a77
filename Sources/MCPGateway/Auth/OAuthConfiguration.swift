/// How `/mcp` accepts OAuth 2.1 access tokens (the MCP authorization spec: the
/// gateway is a resource server). `nil` in ``GatewayConfiguration/oauth`` (the
/// default) accepts none; signatures and API keys work either way.
public struct OAuthConfiguration: Sendable {
    /// Which claim of an access token names the client.
    public enum ClientClaim: String, Sendable, CaseIterable {
        /// `client_id` (RFC 9068 JWT access tokens).
        case clientID = "client_id"
        /// `azp`, the authorized party (OpenID Connect style).
        case azp
        /// `sub`, the subject (a user or, for client credentials, the client).
        case sub
    }

    /// What a token whose client is not in the key ring gets.
    public enum UnlistedClients: String, Sendable, CaseIterable {
        /// Refused (`unknown_client`): only key-ring clients with `"auth": ["oauth"]`.
        case deny
        /// Accepted as a client of its own, with exactly the tools its scopes grant.
        case scopes
    }

    /// The authorization server's issuer identifier; a token's `iss` must equal it.
    public var issuer: String
    /// Where the signing keys (a JWKS) come from: `file:PATH`, an `https://` URL,
    /// or `http://` on a loopback host (tests). `nil` (the default) reads
    /// `jwks_uri` from the issuer's metadata (RFC 8414, then OpenID Connect discovery).
    public var jwks: String?
    /// This server's canonical resource URL (RFC 8707 / RFC 9728): a token's
    /// `aud` must contain it. `nil` (the default) is `<public URL>/mcp`.
    public var resource: String?
    /// The claim that names the client. Default `client_id`.
    public var clientClaim: ClientClaim
    /// Tokens of clients outside the key ring. Default ``UnlistedClients/deny``.
    public var unlistedClients: UnlistedClients
    /// Clock tolerance for `exp`, `nbf`, `iat` and DPoP proofs' `iat`. Default 60 s.
    public var leeway: Duration
    /// The shortest time between two reloads of the keys when a token names an
    /// unknown `kid` (key rotation), so unknown kids cannot hammer the issuer. Default 30 s.
    public var keyRefreshInterval: Duration

    /// Default clock tolerance.
    public static let defaultLeeway: Duration = .seconds(60)
    /// Default shortest time between key reloads.
    public static let defaultKeyRefreshInterval: Duration = .seconds(30)
    /// The scope that grants every tool.
    public static let allToolsScope = "mcp:tools"
    /// The prefix of a scope that grants one tool: `mcp:tool:<name>`.
    public static let toolScopePrefix = "mcp:tool:"

    /// Why keys or metadata may not be fetched from `url`, or `nil` when they may:
    /// `https://`, or `http://` to a loopback host (for tests).
    public static func jwksLocationProblem(_ url: String) -> String? {
        KeySource.urlProblem(url)
    }

    /// Creates a configuration with the documented defaults.
    public init(
        issuer: String, jwks: String? = nil, resource: String? = nil, clientClaim: ClientClaim = .clientID,
        unlistedClients: UnlistedClients = .deny, leeway: Duration = Self.defaultLeeway,
        keyRefreshInterval: Duration = Self.defaultKeyRefreshInterval
    ) {
        self.issuer = issuer
        self.jwks = jwks
        self.resource = resource
        self.clientClaim = clientClaim
        self.unlistedClients = unlistedClients
        self.leeway = leeway
        self.keyRefreshInterval = keyRefreshInterval
    }
}
