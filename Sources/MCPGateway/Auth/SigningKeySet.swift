import Foundation
import JWTKit
import MCPWire

/// The public keys of a JWKS that may sign access tokens, checked at the
/// boundary: only RSA, P-256 and Ed25519 signature keys with an algorithm of
/// ``allowedAlgorithms`` (inferred from the key type when `alg` is absent, so
/// a token cannot pick another algorithm for a key); a set that holds a
/// private key is refused whole.
struct SigningKeySet: Sendable {
    /// The algorithms accepted for access tokens and DPoP proofs. `none` and
    /// the HMAC family are never among them: a verifier holding only public
    /// keys must not accept a token "signed" with one as a shared secret.
    static let allowedAlgorithms: Set<String> = ["RS256", "ES256", "EdDSA"]
    /// The most keys read from one set.
    static let maxKeys = 64

    /// The keys, for JWTKit.
    let collection: JWTKeyCollection
    /// Each key's algorithm, by `kid`.
    let algorithms: [String: String]
    /// Keys skipped, with why (for the log).
    let skipped: [String]

    /// The `kid` given to the one key of a set whose key has none.
    static let soleKeyID = "sole-key"

    /// Reads a JWKS document.
    init(jwks bytes: [UInt8]) async throws(BearerError) {
        guard let root = try? JSONParser.parse(bytes, maxDepth: 16), let object = root.objectValue,
              let keys = object["keys"]?.arrayValue else {
            throw BearerError(.keysUnavailable, "the JWKS is not a JSON object with a \"keys\" array")
        }
        guard keys.count <= Self.maxKeys else { throw BearerError(.keysUnavailable, "the JWKS has \(keys.count) keys; at most \(Self.maxKeys) are read") }
        let collection = JWTKeyCollection()
        var algorithms: [String: String] = [:]
        var skipped: [String] = []
        for (index, value) in keys.enumerated() {
            guard let key = value.objectValue else {
                skipped.append("key \(index) is not an object")
                continue
            }
            if key["d"] != nil || key["p"] != nil || key["k"] != nil {
                throw BearerError(.keysUnavailable, "the JWKS holds private or symmetric key material (key \(index)): publish only public keys")
            }
            let kid = key["kid"]?.stringValue ?? (keys.count == 1 ? Self.soleKeyID : nil)
            guard let kid else {
                skipped.append("key \(index) has no kid")
                continue
            }
            do throws(BearerError) {
                let (jwk, algorithm) = try Self.publicKey(key, kid: kid)
                try await Self.add(jwk, to: collection)
                algorithms[kid] = algorithm
            } catch {
                skipped.append("key \(kid): \(error.message)")
            }
        }
        self.collection = collection
        self.algorithms = algorithms
        self.skipped = skipped
    }

    /// Adds a key to a JWTKit collection, reporting JWTKit's refusal as ours.
    static func add(_ jwk: JWK, to collection: JWTKeyCollection) async throws(BearerError) {
        do {
            try await collection.add(jwk: jwk)
        } catch {
            throw BearerError(.keysUnavailable, "JWTKit refuses the key: \(error)")
        }
    }

    /// One JWK as JWTKit's public key with its algorithm pinned, or why it is not usable.
    static func publicKey(_ key: JSONObject, kid: String) throws(BearerError) -> (JWK, String) {
        if let use = key["use"], use.stringValue != "sig" { throw BearerError(.keysUnavailable, "is not a signature key (use)") }
        let kty = key["kty"]?.stringValue ?? ""
        let curve = key["crv"]?.stringValue
        let inferred: String?
        switch (kty, curve) {
        case ("RSA", _): inferred = "RS256"
        case ("EC", "P-256"?): inferred = "ES256"
        case ("OKP", "Ed25519"?): inferred = "EdDSA"
        default: inferred = nil
        }
        guard let inferred else { throw BearerError(.keysUnavailable, "key type \(kty) \(curve ?? "") is not RSA, EC P-256 or OKP Ed25519") }
        let algorithm = key["alg"]?.stringValue ?? inferred
        guard allowedAlgorithms.contains(algorithm), algorithm == inferred else {
            throw BearerError(.keysUnavailable, "algorithm \(algorithm) is not accepted for a \(kty) key (RS256, ES256, EdDSA)")
        }
        var members: [(String, JSONValue)] = [("kty", .string(kty)), ("kid", .string(kid)), ("alg", .string(algorithm))]
        for name in ["n", "e", "crv", "x", "y"] {
            guard let value = key[name] else { continue }
            guard case .string = value else { throw BearerError(.keysUnavailable, "member \(name) is not a string") }
            members.append((name, value))
        }
        do {
            let jwk = try JSONDecoder().decode(JWK.self, from: Data(CanonicalJSON.bytes(.object(JSONObject(members)))))
            return (jwk, algorithm)
        } catch {
            throw BearerError(.keysUnavailable, "is not a valid \(kty) key: \(error)")
        }
    }
}
