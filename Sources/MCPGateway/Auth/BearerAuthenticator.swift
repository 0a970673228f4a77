import HTTPTypes
import Logging
import MCPBroker
import MCPWire

/// Authenticates `/mcp` requests that carry `Authorization: Bearer <token>`
/// (or `DPoP <token>`): an API key of the key ring, or an OAuth access token
/// from the configured issuer (with its DPoP proof when the token is bound).
struct BearerAuthenticator: Sendable {
    let keyRing: KeyRing
    /// `nil` when the gateway accepts no OAuth tokens.
    let accessTokens: AccessTokenVerifier?
    let proofs: DPoPProofVerifier
    let unlistedClients: OAuthConfiguration.UnlistedClients

    init(keyRing: KeyRing, oauth: OAuthConfiguration?, logger: Logger) {
        self.keyRing = keyRing
        self.accessTokens = oauth.map {
            AccessTokenVerifier(configuration: $0, keys: IssuerKeys(configuration: $0, logger: logger))
        }
        self.proofs = DPoPProofVerifier(leewaySeconds: (oauth?.leeway ?? OAuthConfiguration.defaultLeeway).components.seconds)
        self.unlistedClients = oauth?.unlistedClients ?? .deny
    }

    /// Loads the issuer's keys (at start; a failure is retried on demand).
    func start() async {
        await accessTokens?.keys.load()
    }

    /// The `Authorization` value split into its scheme and token (RFC 6750 §2.1, RFC 9449 §7.1).
    static func credentials(_ values: [String]) throws(BearerError) -> (dpopScheme: Bool, token: String) {
        guard values.count == 1, let value = values.first else {
            throw BearerError(.malformedAuthorization, "send exactly one Authorization header", challenge: .invalidRequest)
        }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else {
            throw BearerError(.malformedAuthorization, "Authorization must be \"Bearer <token>\" or \"DPoP <token>\"", challenge: .invalidRequest)
        }
        let scheme = parts[0].lowercased()
        guard scheme == "bearer" || scheme == "dpop" else {
            throw BearerError(.malformedAuthorization, "Authorization scheme \"\(parts[0].prefix(32))\" is not Bearer or DPoP", challenge: .invalidRequest)
        }
        let token = String(parts[1]).trimmingSpaces
        guard !token.isEmpty, token.utf8.count <= CompactJWS.maxBytes,
              token.utf8.allSatisfy({ Self.isTokenCharacter($0) }) else {
            throw BearerError(.malformedAuthorization, "the token must be 1 to \(CompactJWS.maxBytes) characters of A-Z a-z 0-9 - . _ ~ + / =", challenge: .invalidRequest)
        }
        return (scheme == "dpop", token)
    }

    /// RFC 6750 b64token characters.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): true
        default: false
        }
    }

    /// Who sent the request. `targetURI` is this deployment's URI of the request
    /// (for DPoP's `htu`), `resource` its canonical resource URL (for `aud`).
    func authenticate(
        authorization: [String], dpop: [String], method: String, targetURI: String, resource: String, nowSeconds: Int64
    ) async throws(BearerError) -> MCPIdentity {
        // RFC 9449 §7.1 asks for the DPoP scheme with a bound token; Bearer with a valid proof is accepted too (the proof is what binds).
        let (dpopScheme, token) = try Self.credentials(authorization)
        let unbound = BearerError(
            .dpopSchemeUnbound, "Authorization: DPoP needs a DPoP-bound access token (cnf.jkt); send this credential as Bearer",
            challenge: .invalidToken)
        let looksLikeJWT = token.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 && !token.hasPrefix(APIKey.prefix)
        guard looksLikeJWT else {
            guard let client = keyRing.client(forAPIKey: token) else {
                throw BearerError(.unknownAPIKey, "the bearer token is not an API key of this deployment (nor an access token)")
            }
            guard client.allows(.apiKey) else {
                throw BearerError(.authMethodNotAllowed, "client \"\(client.id)\" may not use API keys: its key ring auth does not list \"api_key\"")
            }
            if dpopScheme { throw unbound }
            return MCPIdentity(client: client, method: .apiKey, nonce: Self.freshNonce(), replayGuarded: false, scopes: nil)
        }
        guard let accessTokens else {
            throw BearerError(.oauthNotConfigured, "this gateway accepts no OAuth access tokens (no --oauth-issuer); use an API key or a signature")
        }
        let accepted = try await accessTokens.verify(token, resource: resource, nowSeconds: nowSeconds)
        let client = try client(named: accepted.clientName)
        guard let thumbprint = accepted.boundKeyThumbprint else {
            if dpopScheme { throw unbound }
            return MCPIdentity(client: client, method: .oauth, nonce: Self.freshNonce(), replayGuarded: false, scopes: accepted.scopes)
        }
        guard dpop.count == 1, let proof = dpop.first else {
            throw BearerError(
                .dpopProofRequired,
                dpop.isEmpty ? "the token is DPoP-bound (cnf.jkt): send a DPoP proof header signed with its key" : "send exactly one DPoP header",
                dpop: true)
        }
        let jti = try await proofs.verify(
            proof: proof, method: method, targetURI: targetURI, accessToken: token, thumbprint: thumbprint, nowSeconds: nowSeconds)
        return MCPIdentity(client: client, method: .oauth, nonce: "dpop." + jti, replayGuarded: true, scopes: accepted.scopes)
    }

    /// The key-ring client the token names, or under the `scopes` policy a client of its own.
    private func client(named name: String) throws(BearerError) -> ClientEntry {
        if let client = keyRing.client(name) {
            guard client.allows(.oauth) else {
                throw BearerError(.authMethodNotAllowed, "client \"\(client.id)\" may not use OAuth tokens: its key ring auth does not list \"oauth\"")
            }
            return client
        }
        guard unlistedClients == .scopes else {
            throw BearerError(.unknownClient, "the token's client \"\(name.prefix(128))\" is not in the key ring, and this gateway refuses unlisted OAuth clients (--oauth-unlisted-clients deny)")
        }
        // Its own id, never a key-ring client's: ids that cannot name a key (a URL with ':') are hashed.
        let id = ClientEntry.idProblem(name) == nil ? name : "oauth-" + String(SHA256.hex(Array(name.utf8)).prefix(32))
        return ClientEntry(id: id, secret: [], allowedTools: ["*"], methods: [.oauth])
    }

    /// A random one-time value for requests that carry none (plain bearer tokens).
    static func freshNonce() -> String { "bearer." + JobID.make() }
}
