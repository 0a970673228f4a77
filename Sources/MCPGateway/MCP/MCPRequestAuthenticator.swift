import HTTPTypes
import MCPHTTPSignatures
import MCPWire

/// Verifies RFC 9421 HTTP Message Signatures on `/mcp` requests: hmac-sha256,
/// `keyid` = a client id of the key ring, covering at least `@method`,
/// `@target-uri` and a matching RFC 9530 `Content-Digest`, `created` inside the
/// skew window, no `expires` in the past, and a `nonce` (consumed later through
/// the same replay guard as envelopes).
///
/// `@target-uri`, `@authority` and `@scheme` are this deployment's public origin
/// (configured), never the request's own `Host`: a request signed for another
/// deployment does not verify here (`wrong_target`).
struct MCPRequestAuthenticator: Sendable {
    /// Components every signature must cover.
    static let required = ["@method", "@target-uri", "content-digest"]

    let keyRing: KeyRing
    let skewSeconds: Int64

    /// The signing client and the signature's nonce. `host` is the request's
    /// `Host` (authority), used only to explain a signature made for another origin.
    func authenticate(method: String, origin: PublicOrigin, path: String, host: String?, headers: HTTPFields, body: [UInt8], nowSeconds: Int64) throws(HTTPSignatureError) -> (client: ClientEntry, nonce: String) {
        guard let input = headers[.signatureInput], let signature = headers[.signature] else {
            throw HTTPSignatureError(.missingSignature, "sign every request with RFC 9421 HTTP Message Signatures: Signature-Input and Signature headers (hmac-sha256, keyid = your client id)")
        }
        let (_, parameters, mac) = try HTTPMessageSignature.parse(input: input, signature: signature)
        if let algorithm = parameters.algorithm, algorithm != "hmac-sha256" {
            throw HTTPSignatureError(.unsupportedAlgorithm, "alg \"\(algorithm)\" is not supported; use hmac-sha256")
        }
        for component in Self.required where !parameters.components.contains(component) {
            throw HTTPSignatureError(.missingComponent, "the signature must cover \(Self.required.map { "\"\($0)\"" }.joined(separator: " ")); it lacks \"\(component)\"")
        }
        guard let nonce = parameters.nonce, !nonce.isEmpty else {
            throw HTTPSignatureError(.missingNonce, "the signature must carry a fresh nonce parameter")
        }
        guard let created = parameters.created else {
            throw HTTPSignatureError(.staleRequest, "the signature must carry a created parameter (Unix seconds)")
        }
        guard let keyID = parameters.keyID else { throw HTTPSignatureError(.unknownClient, "the signature has no keyid; use your client id") }
        guard let client = keyRing.client(keyID) else { throw HTTPSignatureError(.unknownClient, "keyid \"\(keyID)\" is not a client in the key ring") }
        guard client.allows(.signature) else {
            throw HTTPSignatureError(.authMethodNotAllowed, "client \"\(keyID)\" may not sign requests: its key ring auth does not list \"signature\"")
        }
        guard let digest = headers[.contentDigest], ContentDigest.matches(digest, body: body) else {
            throw HTTPSignatureError(.badDigest, "Content-Digest is missing or does not match the body (RFC 9530, sha-256=:base64:)")
        }
        let base = try Self.base(parameters, method: method, origin: origin, path: path, headers: headers)
        guard SignatureCheck.constantTimeEqual(client.key.mac(base), mac) else {
            // Only to explain the refusal: was it signed for the origin the request names itself?
            if let host {
                for scheme in ["http", "https"] {
                    guard let named = PublicOrigin(url: "\(scheme)://\(host)"), named != origin,
                          let foreign = try? Self.base(parameters, method: method, origin: named, path: path, headers: headers),
                          SignatureCheck.constantTimeEqual(client.key.mac(foreign), mac) else { continue }
                    throw HTTPSignatureError(.wrongTarget, "the request is signed for \(named.targetURI(path: path)); this deployment serves \(origin.targetURI(path: path)): sign that @target-uri")
                }
            }
            throw HTTPSignatureError(.badSignature, "the signature does not verify: HMAC-SHA256 of the RFC 9421 signature base with your client secret, base64 in Signature, @target-uri \(origin.targetURI(path: path))")
        }
        let offset = created.subtractingReportingOverflow(nowSeconds)
        guard !offset.overflow, offset.partialValue.magnitude <= skewSeconds.magnitude else {
            let off = offset.overflow ? "far" : "\(offset.partialValue) s"
            throw HTTPSignatureError(.staleRequest, "created is \(off) off the gateway's clock; the window is ±\(skewSeconds) s")
        }
        if let expires = parameters.expires, expires < nowSeconds {
            throw HTTPSignatureError(.expiredSignature, "the signature expired at \(expires) (Unix seconds); it is now \(nowSeconds): sign the request again")
        }
        return (client, nonce)
    }

    /// The signature base with this deployment's values for the derived components.
    static func base(_ parameters: HTTPSignatureParameters, method: String, origin: PublicOrigin, path: String, headers: HTTPFields) throws(HTTPSignatureError) -> [UInt8] {
        try HTTPMessageSignature.base(parameters) { component throws(HTTPSignatureError) -> String in
            switch component {
            case "@method": return method
            case "@target-uri": return origin.targetURI(path: path)
            case "@authority": return origin.authority
            case "@path": return path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
            case "@scheme": return origin.scheme
            default:
                guard !component.hasPrefix("@"), let name = HTTPField.Name(component),
                      let value = headers[values: name].isEmpty ? nil : headers[values: name].joined(separator: ", ") else {
                    throw HTTPSignatureError(.missingComponent, "covered component \"\(component)\" is not in the request")
                }
                return value.trimmingSpaces
            }
        }
    }
}

extension HTTPField.Name {
    static let signatureInput = HTTPField.Name("Signature-Input")!
    static let signature = HTTPField.Name("Signature")!
    static let contentDigest = HTTPField.Name("Content-Digest")!
    static let mcpProtocolVersion = HTTPField.Name("MCP-Protocol-Version")!
    static let mcpMethod = HTTPField.Name("Mcp-Method")!
    static let mcpName = HTTPField.Name("Mcp-Name")!
    static let dpop = HTTPField.Name("DPoP")!
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
