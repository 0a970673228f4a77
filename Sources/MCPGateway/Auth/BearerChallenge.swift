/// The `WWW-Authenticate` value of a 401 or 403 from `/mcp` (RFC 6750 §3,
/// RFC 9728 §5.1, RFC 9449 §7.1): always a `Bearer` challenge naming the
/// protected-resource metadata, with `error` when a credential was refused,
/// `scope` when one was missing, and a `DPoP` challenge for a refused proof.
enum BearerChallenge {
    /// The algorithms a DPoP proof may use, as the `DPoP` challenge lists them.
    static let dpopAlgorithms = "ES256 RS256 EdDSA"

    /// The header value. `bearer` is the refusal (nil for a signature failure,
    /// which names no error: the request carried no bearer credential).
    static func header(for bearer: BearerError?, metadataURL: String, offersOAuth: Bool) -> String {
        var parameters = ["resource_metadata=\(quoted(metadataURL))"]
        if let bearer {
            if bearer.challenge != .none { parameters.append("error=\(quoted(bearer.challenge.rawValue))") }
            if let scope = bearer.scope {
                parameters.append("scope=\(quoted(scope))")
            } else if bearer.challenge == .none, offersOAuth {
                parameters.append("scope=\(quoted(OAuthConfiguration.allToolsScope))")
            }
            if bearer.challenge != .none { parameters.append("error_description=\(quoted(bearer.message))") }
        }
        var header = "Bearer " + parameters.joined(separator: ", ")
        if let bearer, bearer.dpop {
            header += ", DPoP error=\"invalid_dpop_proof\", algs=\"\(dpopAlgorithms)\""
        }
        return header
    }

    /// A quoted-string with `"` and `\` escaped and anything outside printable ASCII dropped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars.prefix(300) {
            switch scalar {
            case "\"", "\\": out += "\\" + String(scalar)
            case " "..."~": out.unicodeScalars.append(scalar)
            default: continue
            }
        }
        return out + "\""
    }
}
