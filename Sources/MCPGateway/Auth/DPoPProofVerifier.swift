import Foundation
import JWTKit
import MCPWire

/// Checks a `DPoP` proof (RFC 9449 §4.3) presented with a DPoP-bound access
/// token: `typ` `dpop+jwt`, an allowed asymmetric `alg`, a public `jwk` in the
/// header whose thumbprint is the token's `cnf.jkt`, a signature by that key,
/// `htm` and `htu` naming this request, `iat` within the leeway, `ath` the
/// hash of this access token, and a `jti` that the caller spends through the
/// replay guard (the same one as signature nonces).
struct DPoPProofVerifier: Sendable {
    /// The longest `jti` accepted (it becomes part of a Redis key name).
    static let maxJTIBytes = 96
    static let what = "DPoP proof"

    let leewaySeconds: Int64

    /// The proof's `jti`, or why the proof is refused.
    func verify(
        proof: String, method: String, targetURI: String, accessToken: String, thumbprint: String, nowSeconds: Int64
    ) async throws(BearerError) -> String {
        let jws = try CompactJWS(proof, what: Self.what, code: .invalidDPoPProof)
        guard jws.type?.lowercased() == "dpop+jwt" else { throw Self.refusal("its typ must be dpop+jwt") }
        guard let algorithm = jws.algorithm else { throw Self.refusal("its header has no alg") }
        try AccessTokenVerifier.checkAlgorithm(algorithm, what: Self.what)
        if let critical = jws.header["crit"] {
            throw Self.refusal("its header lists critical extensions (crit \(AccessTokenVerifier.excerpt(critical))) and this server understands none (RFC 7515, 4.1.11)")
        }
        guard let key = jws.header["jwk"]?.objectValue else { throw Self.refusal("its header has no jwk") }
        guard let keyThumbprint = JWKThumbprint.of(key) else { throw Self.refusal("its jwk is not an RSA, EC or OKP public key") }
        guard SignatureCheck.constantTimeEqual(Array(keyThumbprint.utf8), Array(thumbprint.utf8)) else {
            throw Self.refusal("it is signed by another key than the one the token is bound to (cnf.jkt)")
        }
        let collection = JWTKeyCollection()
        do throws(BearerError) {
            var members = key
            members["kid"] = "dpop-proof"
            let (jwk, keyAlgorithm) = try SigningKeySet.publicKey(members, kid: "dpop-proof")
            guard keyAlgorithm == algorithm else { throw Self.refusal("alg \(algorithm) does not fit its \(key["kty"]?.stringValue ?? "") key") }
            if key["d"] != nil { throw Self.refusal("its jwk holds a private key") }
            try await SigningKeySet.add(jwk, to: collection)
        } catch {
            throw error.code == .invalidDPoPProof ? error : Self.refusal("its jwk: \(error.message)")
        }
        try await AccessTokenVerifier.checkSignature(jws, keys: collection, what: Self.what, code: .invalidDPoPProof)
        guard let htm = try jws.string("htm", what: Self.what, code: .invalidDPoPProof), htm == method else {
            throw Self.refusal("its htm must be this request's method, \(method)")
        }
        guard let htu = try jws.string("htu", what: Self.what, code: .invalidDPoPProof), Self.sameTarget(htu, targetURI) else {
            throw Self.refusal("its htu must be this request's URI, \(targetURI)")
        }
        guard let issuedAt = try jws.seconds("iat", what: Self.what, code: .invalidDPoPProof) else { throw Self.refusal("it has no iat") }
        let offset = issuedAt.subtractingReportingOverflow(nowSeconds)
        guard !offset.overflow, offset.partialValue.magnitude <= leewaySeconds.magnitude else {
            throw Self.refusal("its iat is \(offset.overflow ? "far" : "\(offset.partialValue) s") off the gateway's clock; the window is ±\(leewaySeconds) s")
        }
        let expectedHash = Base64URL.encode(SHA256.hash(Array(accessToken.utf8)))
        guard let ath = try jws.string("ath", what: Self.what, code: .invalidDPoPProof),
              SignatureCheck.constantTimeEqual(Array(ath.utf8), Array(expectedHash.utf8)) else {
            throw Self.refusal("its ath must be the base64url SHA-256 of the access token it is sent with")
        }
        guard let jti = try jws.string("jti", what: Self.what, code: .invalidDPoPProof), !jti.isEmpty, jti.utf8.count <= Self.maxJTIBytes,
              !jti.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) else {
            throw Self.refusal("its jti must be 1 to \(Self.maxJTIBytes) printable bytes without spaces")
        }
        return jti
    }

    private static func refusal(_ why: String) -> BearerError {
        BearerError(.invalidDPoPProof, "the DPoP proof is refused: \(why)", dpop: true)
    }

    /// `htu` compared as RFC 9449 §4.3 says: without query and fragment, scheme
    /// and host case-insensitive, default ports implied.
    static func sameTarget(_ htu: String, _ target: String) -> Bool {
        func normal(_ uri: String) -> String? {
            let base = uri.prefix { $0 != "?" && $0 != "#" }
            guard let schemeEnd = base.range(of: "://") else { return nil }
            let afterScheme = base[schemeEnd.upperBound...]
            let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
            guard let origin = PublicOrigin(url: String(base[..<pathStart])) else { return nil }
            let path = afterScheme[pathStart...]
            return origin.targetURI(path: path.isEmpty ? "/" : String(path))
        }
        guard let a = normal(htu), let b = normal(target) else { return false }
        return a == b
    }
}
