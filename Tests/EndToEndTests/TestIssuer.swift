import Crypto
import CryptoExtras
import Foundation
import MCPWire

/// A stand-in authorization server's keys for tests that need tokens no real
/// server would issue (expired, forged, `alg: none`, HS256 with the public key
/// as secret, DPoP proofs): RS256, ES256 and EdDSA keys, their JWKS written to
/// a file the gateway reads (`--oauth-jwks file:…`), and compact JWS built by
/// hand from JSON we choose. The signatures are swift-crypto's.
struct TestIssuer: Sendable {
    static let issuer = "https://issuer.test"

    let rsa: _RSA.Signing.PrivateKey
    let ec: P256.Signing.PrivateKey
    let ed: Curve25519.Signing.PrivateKey
    let jwksFile: URL

    /// Makes the keys and writes the JWKS into `directory`.
    init(directory: URL) throws {
        rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        ec = P256.Signing.PrivateKey()
        ed = Curve25519.Signing.PrivateKey()
        jwksFile = directory.appendingPathComponent("jwks-\(UUID().uuidString.prefix(6)).json")
        let keys: [JSONValue] = [.object(try Self.publicJWK(rsa, kid: "rsa-1")), .object(Self.publicJWK(ec.publicKey, kid: "ec-1")), .object(Self.publicJWK(ed.publicKey, kid: "ed-1"))]
        try Data(CanonicalJSON.bytes(.object(["keys": .array(keys)]))).write(to: jwksFile)
    }

    /// Rewrites the JWKS with the EC key also published under `extraKid` (a rotation).
    func publish(extraECKid extraKid: String) throws {
        let keys: [JSONValue] = [
            .object(try Self.publicJWK(rsa, kid: "rsa-1")), .object(Self.publicJWK(ec.publicKey, kid: "ec-1")),
            .object(Self.publicJWK(ed.publicKey, kid: "ed-1")), .object(Self.publicJWK(ec.publicKey, kid: extraKid)),
        ]
        try Data(CanonicalJSON.bytes(.object(["keys": .array(keys)]))).write(to: jwksFile)
    }

    static func publicJWK(_ key: _RSA.Signing.PrivateKey, kid: String) throws -> JSONObject {
        let primitives = try key.publicKey.getKeyPrimitives()
        return ["kty": "RSA", "kid": .string(kid), "use": "sig", "alg": "RS256",
                "n": .string(Base64URL.encode(Array(primitives.modulus))), "e": .string(Base64URL.encode(Array(primitives.publicExponent)))]
    }

    static func publicJWK(_ key: P256.Signing.PublicKey, kid: String?) -> JSONObject {
        let point = Array(key.x963Representation)  // 0x04 || x || y
        var jwk: JSONObject = ["kty": "EC", "crv": "P-256", "x": .string(Base64URL.encode(Array(point[1..<33]))), "y": .string(Base64URL.encode(Array(point[33..<65])))]
        if let kid { jwk["kid"] = .string(kid) }
        return jwk
    }

    static func publicJWK(_ key: Curve25519.Signing.PublicKey, kid: String) -> JSONObject {
        ["kty": "OKP", "crv": "Ed25519", "kid": .string(kid), "x": .string(Base64URL.encode(Array(key.rawRepresentation)))]
    }

    /// Claims of a good token for `client` and `resource`, valid now for 5 minutes.
    static func claims(client: String, resource: String, scope: String = "mcp:tools", now: Int64 = Int64(Date().timeIntervalSince1970)) -> JSONObject {
        ["iss": .string(issuer), "aud": .string(resource), "client_id": .string(client), "sub": "user-1", "scope": .string(scope),
         "iat": .integer(JSONInteger(now)), "exp": .integer(JSONInteger(now + 300)), "jti": .string(UUID().uuidString)]
    }

    /// Which key signs.
    enum Signer { case rsa, ec, ed }

    /// A token signed by one of the issuer's keys, `header` members added to (or replacing) the default ones.
    /// A token for `client` and `resource` bound to `key` (`cnf.jkt`, RFC 9449), signed with the EC key.
    func boundToken(client: String, resource: String, to key: DPoPKey) throws -> String {
        var claims = Self.claims(client: client, resource: resource)
        claims["cnf"] = ["jkt": .string(key.thumbprint)]
        return try token(claims, signer: .ec)
    }

    func token(_ claims: JSONObject, signer: Signer = .rsa, header extra: JSONObject = [:]) throws -> String {
        var header: JSONObject
        switch signer {
        case .rsa: header = ["alg": "RS256", "kid": "rsa-1", "typ": "at+jwt"]
        case .ec: header = ["alg": "ES256", "kid": "ec-1", "typ": "at+jwt"]
        case .ed: header = ["alg": "EdDSA", "kid": "ed-1", "typ": "at+jwt"]
        }
        for member in extra.members { header[member.key] = member.value }
        let input = Self.signingInput(header, claims)
        return input + "." + Base64URL.encode(try sign(Array(input.utf8), with: signer))
    }

    func sign(_ input: [UInt8], with signer: Signer) throws -> [UInt8] {
        switch signer {
        case .rsa: Array(try rsa.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation)
        case .ec: Array(try ec.signature(for: input).rawRepresentation)
        case .ed: Array(try ed.signature(for: input))
        }
    }

    static func signingInput(_ header: JSONObject, _ claims: JSONObject) -> String {
        Base64URL.encode(CanonicalJSON.bytes(.object(header))) + "." + Base64URL.encode(CanonicalJSON.bytes(.object(claims)))
    }

    /// `alg: none`: no signature at all.
    static func unsigned(_ claims: JSONObject) -> String {
        signingInput(["alg": "none", "typ": "JWT"], claims) + "."
    }

    /// HS256 "signed" with the RSA public key's JWK text as the HMAC secret (the classic key-confusion attack).
    func hmacWithPublicKey(_ claims: JSONObject) throws -> String {
        let input = Self.signingInput(["alg": "HS256", "kid": "rsa-1", "typ": "JWT"], claims)
        let secret = CanonicalJSON.bytes(.object(try Self.publicJWK(rsa, kid: "rsa-1")))
        return input + "." + Base64URL.encode(HMACKey(secret: secret).mac(Array(input.utf8)))
    }

    /// A client's DPoP key and its proofs (RFC 9449).
    struct DPoPKey: Sendable {
        let key = P256.Signing.PrivateKey()
        var jwk: JSONObject { TestIssuer.publicJWK(key.publicKey, kid: nil) }
        /// RFC 7638 thumbprint, as `cnf.jkt`.
        var thumbprint: String {
            let point = Array(key.publicKey.x963Representation)
            let json = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"\(Base64URL.encode(Array(point[1..<33])))\",\"y\":\"\(Base64URL.encode(Array(point[33..<65])))\"}"
            return Base64URL.encode(Array(Crypto.SHA256.hash(data: Array(json.utf8))))
        }

        /// A proof of this key for `url`, `header` members added to the default ones.
        func proof(
            method: String = "POST", url: String, accessToken: String, jti: String = UUID().uuidString, iat: Int64 = Int64(Date().timeIntervalSince1970),
            header extra: JSONObject = [:]
        ) throws -> String {
            var header: JSONObject = ["typ": "dpop+jwt", "alg": "ES256", "jwk": .object(jwk)]
            for member in extra.members { header[member.key] = member.value }
            let ath = Base64URL.encode(Array(Crypto.SHA256.hash(data: Array(accessToken.utf8))))
            let claims: JSONObject = ["htm": .string(method), "htu": .string(url), "iat": .integer(JSONInteger(iat)), "jti": .string(jti), "ath": .string(ath)]
            let input = TestIssuer.signingInput(header, claims)
            return input + "." + Base64URL.encode(Array(try key.signature(for: Array(input.utf8)).rawRepresentation))
        }
    }
}
