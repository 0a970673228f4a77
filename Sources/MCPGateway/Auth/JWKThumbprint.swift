import MCPWire

/// RFC 7638 JWK thumbprints (SHA-256, base64url), as `cnf.jkt` (RFC 9449) carries them.
enum JWKThumbprint {
    /// The thumbprint of a public JWK: SHA-256 of the JSON object of its
    /// required members only, in lexicographic order, without whitespace.
    /// `nil` when the key lacks one of them or one is not a string.
    static func of(_ key: JSONObject) -> String? {
        let required: [String]
        switch key["kty"]?.stringValue {
        case "RSA"?: required = ["e", "kty", "n"]
        case "EC"?: required = ["crv", "kty", "x", "y"]
        case "OKP"?: required = ["crv", "kty", "x"]
        default: return nil
        }
        var members: [(String, JSONValue)] = []
        for name in required {
            guard let value = key[name], case .string = value else { return nil }
            members.append((name, value))
        }
        return Base64URL.encode(SHA256.hash(CanonicalJSON.bytes(.object(JSONObject(members)))))
    }
}
