import JWTKit
import MCPWire

/// Verifies OAuth 2.1 JWT access tokens (RFC 9068) for this resource server:
/// algorithm on the allow-list and matching the key, no critical header extensions (`crit`), `kid` among the issuer's
/// keys, signature (JWTKit), then `iss`, `aud` (RFC 8707: must contain this
/// server's resource URL, so a token minted for another resource is refused),
/// `exp`, `nbf` and `iat` within the leeway, the client claim and the scopes.
struct AccessTokenVerifier: Sendable {
    let configuration: OAuthConfiguration
    let keys: IssuerKeys

    static let what = "access token"

    /// The token's client, scopes and DPoP binding, or why it is refused.
    /// `resource` is this server's canonical resource URL.
    func verify(_ token: String, resource: String, nowSeconds: Int64) async throws(BearerError) -> AcceptedToken {
        let jws = try CompactJWS(token, what: Self.what, code: .malformedToken)
        guard let algorithm = jws.algorithm else { throw BearerError(.malformedToken, "the access token's header has no alg") }
        try Self.checkAlgorithm(algorithm, what: Self.what)
        if let type = jws.type?.lowercased(), type == "dpop+jwt" {
            throw BearerError(.malformedToken, "this is a DPoP proof (typ dpop+jwt), not an access token")
        }
        if let critical = jws.header["crit"] {
            throw BearerError(.unsupportedCriticalHeader, "the access token's header lists critical extensions (crit \(Self.excerpt(critical))) and this server understands none (RFC 7515, 4.1.11)")
        }
        if jws.header["kid"] != nil, jws.keyID == nil { throw BearerError(.malformedToken, "the access token's kid must be a string") }
        let (set, kid) = try await keys.keySet(for: jws.keyID)
        guard set.algorithms[kid] == algorithm else {
            throw BearerError(.unsupportedTokenAlgorithm, "the token says alg \(algorithm) but key \"\(kid)\" is for \(set.algorithms[kid] ?? "?")")
        }
        try await Self.checkSignature(jws, keys: set.collection, what: Self.what, code: .badTokenSignature)
        return try claims(jws, resource: resource, nowSeconds: nowSeconds)
    }

    /// A header member as compact JSON, at most 80 characters (a client's value is not echoed whole).
    static func excerpt(_ value: JSONValue) -> String {
        let text = CanonicalJSON.string(value)
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }

    /// `none` and HMAC are refused by name; anything else off the allow-list too.
    static func checkAlgorithm(_ algorithm: String, what: String) throws(BearerError) {
        let code: BearerError.Code = what == Self.what ? .unsupportedTokenAlgorithm : .invalidDPoPProof
        if algorithm.lowercased() == "none" {
            throw BearerError(code, "an unsigned \(what) (alg none) is never accepted", dpop: code == .invalidDPoPProof)
        }
        if algorithm.uppercased().hasPrefix("HS") {
            throw BearerError(code, "an HMAC-signed \(what) (\(algorithm.prefix(16))) is never accepted: use RS256, ES256 or EdDSA", dpop: code == .invalidDPoPProof)
        }
        guard SigningKeySet.allowedAlgorithms.contains(algorithm) else {
            throw BearerError(code, "alg \(algorithm.prefix(16)) is not accepted; use RS256, ES256 or EdDSA", dpop: code == .invalidDPoPProof)
        }
    }

    /// The signature, checked by JWTKit against the key the header names.
    static func checkSignature(_ jws: CompactJWS, keys: JWTKeyCollection, what: String, code: BearerError.Code) async throws(BearerError) {
        do {
            _ = try await keys.verify(jws.token, as: UncheckedClaims.self)
        } catch {
            throw BearerError(code, "the \(what)'s signature does not verify with the issuer's key", dpop: code == .invalidDPoPProof)
        }
    }

    private func claims(_ jws: CompactJWS, resource: String, nowSeconds: Int64) throws(BearerError) -> AcceptedToken {
        let what = Self.what
        let issuer = try jws.string("iss", what: what, code: .malformedToken)
        guard issuer == configuration.issuer else {
            throw BearerError(.wrongIssuer, "the token was issued by \(issuer.map { "\"\($0.prefix(200))\"" } ?? "nobody (no iss)"), not by \(configuration.issuer)")
        }
        let audiences: [String]
        switch jws.claims["aud"] {
        case .string(let one)?: audiences = [one]
        case .array(let many)?:
            audiences = many.compactMap(\.stringValue)
            guard audiences.count == many.count else { throw BearerError(.malformedToken, "the token's aud must be a string or an array of strings") }
        case nil: audiences = []
        default: throw BearerError(.malformedToken, "the token's aud must be a string or an array of strings")
        }
        guard audiences.contains(where: { Self.sameResource($0, resource) }) else {
            throw BearerError(.wrongAudience, "the token is for \(audiences.isEmpty ? "no audience" : audiences.prefix(4).map { "\"\($0.prefix(200))\"" }.joined(separator: ", ")), not for this server (\(resource)): ask the authorization server for a token with resource=\(resource)")
        }
        let leeway = configuration.leeway.components.seconds
        guard let expires = try jws.seconds("exp", what: what, code: .malformedToken) else {
            throw BearerError(.malformedToken, "the token has no exp: access tokens must expire")
        }
        if expires.addingReportingOverflow(leeway).partialValue < nowSeconds {
            throw BearerError(.tokenExpired, "the token expired at \(expires) (Unix seconds); it is now \(nowSeconds): get a new one")
        }
        if let notBefore = try jws.seconds("nbf", what: what, code: .malformedToken), notBefore > nowSeconds.addingReportingOverflow(leeway).partialValue {
            throw BearerError(.tokenNotYetValid, "the token is not valid before \(notBefore) (Unix seconds); it is now \(nowSeconds)")
        }
        if let issuedAt = try jws.seconds("iat", what: what, code: .malformedToken), issuedAt > nowSeconds.addingReportingOverflow(leeway).partialValue {
            throw BearerError(.tokenNotYetValid, "the token claims to be issued at \(issuedAt), in the future (now \(nowSeconds)): check the issuer's clock")
        }
        let claim = configuration.clientClaim.rawValue
        guard let clientName = try jws.string(claim, what: what, code: .malformedToken), !clientName.isEmpty else {
            throw BearerError(.malformedToken, "the token has no \(claim) claim to name its client (--oauth-client-claim)")
        }
        var scopes: [String] = []
        if let scope = try jws.string("scope", what: what, code: .malformedToken) {
            scopes = scope.split(separator: " ").map(String.init)
        } else if case .array(let list)? = jws.claims["scp"] {
            scopes = list.compactMap(\.stringValue)
        }
        var thumbprint: String?
        if let confirmation = jws.claims["cnf"] {
            guard let object = confirmation.objectValue else { throw BearerError(.malformedToken, "the token's cnf must be an object") }
            if let jkt = object["jkt"] {
                guard let value = jkt.stringValue, !value.isEmpty else { throw BearerError(.malformedToken, "the token's cnf.jkt must be a string") }
                thumbprint = value
            }
        }
        return AcceptedToken(clientName: clientName, scopes: TokenScopes(scopes), boundKeyThumbprint: thumbprint)
    }

    /// Resource URLs compared as RFC 8707 identifiers: exactly, but for one trailing slash.
    static func sameResource(_ a: String, _ b: String) -> Bool {
        func trimmed(_ s: String) -> Substring { s.hasSuffix("/") ? s.dropLast() : Substring(s) }
        return trimmed(a) == trimmed(b)
    }
}

/// A payload type that decodes nothing: JWTKit checks the signature, our own
/// parser reads the claims (so every claim is decoded the same strict way).
struct UncheckedClaims: JWTPayload {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
