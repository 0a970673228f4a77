import HTTPTypes
import MCPHTTPSignatures
import MCPWire

/// Verifies RFC 9421 HTTP Message Signatures on `/mcp` requests: hmac-sha256,
/// `keyid` = a client id of the key ring, covering at least `@method`,
/// `@target-uri` and a matching RFC 9530 `Content-Digest`, `created` inside the
/// skew window, and a `nonce` (consumed later through the same replay guard as envelopes).
struct MCPRequestAuthenticator: Sendable {
    /// Components every signature must cover.
    static let required = ["@method", "@target-uri", "content-digest"]

    let keyRing: KeyRing
    let skewSeconds: Int64

    /// The signing client and the signature's nonce.
    func authenticate(method: String, targetURI: String, authority: String, path: String, headers: HTTPFields, body: [UInt8], nowSeconds: Int64) throws(HTTPSignatureError) -> (client: ClientEntry, nonce: String) {
        guard let input = headers[.signatureInput], let signature = headers[.signature] else {
            throw HTTPSignatureError("missing_signature", "sign every request with RFC 9421 HTTP Message Signatures: Signature-Input and Signature headers (hmac-sha256, keyid = your client id)")
        }
        let (_, parameters, mac) = try HTTPMessageSignature.parse(input: input, signature: signature)
        if let algorithm = parameters.algorithm, algorithm != "hmac-sha256" {
            throw HTTPSignatureError("unsupported_algorithm", "alg \"\(algorithm)\" is not supported; use hmac-sha256")
        }
        for component in Self.required where !parameters.components.contains(component) {
            throw HTTPSignatureError("missing_component", "the signature must cover \(Self.required.map { "\"\($0)\"" }.joined(separator: " ")); it lacks \"\(component)\"")
        }
        guard let nonce = parameters.nonce, !nonce.isEmpty else {
            throw HTTPSignatureError("missing_nonce", "the signature must carry a fresh nonce parameter")
        }
        guard let created = parameters.created else {
            throw HTTPSignatureError("stale_request", "the signature must carry a created parameter (Unix seconds)")
        }
        guard let keyID = parameters.keyID else { throw HTTPSignatureError("unknown_client", "the signature has no keyid; use your client id") }
        guard let client = keyRing.client(keyID) else { throw HTTPSignatureError("unknown_client", "keyid \"\(keyID)\" is not a client in the key ring") }
        guard let digest = headers[.contentDigest], ContentDigest.matches(digest, body: body) else {
            throw HTTPSignatureError("bad_digest", "Content-Digest is missing or does not match the body (RFC 9530, sha-256=:base64:)")
        }
        let base = try HTTPMessageSignature.base(parameters) { component throws(HTTPSignatureError) -> String in
            switch component {
            case "@method": return method
            case "@target-uri": return targetURI
            case "@authority": return authority.lowercased()
            case "@path": return path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
            case "@scheme": return targetURI.hasPrefix("https:") ? "https" : "http"
            default:
                guard !component.hasPrefix("@"), let name = HTTPField.Name(component),
                      let value = headers[values: name].isEmpty ? nil : headers[values: name].joined(separator: ", ") else {
                    throw HTTPSignatureError("missing_component", "covered component \"\(component)\" is not in the request")
                }
                return value.trimmingSpaces
            }
        }
        guard SignatureCheck.constantTimeEqual(client.key.mac(base), mac) else {
            throw HTTPSignatureError("bad_signature", "the signature does not verify: HMAC-SHA256 of the RFC 9421 signature base with your client secret, base64 in Signature")
        }
        guard abs(created - nowSeconds) <= skewSeconds else {
            throw HTTPSignatureError("stale_request", "created is \(created - nowSeconds) s off the gateway's clock; the window is ±\(skewSeconds) s")
        }
        return (client, nonce)
    }
}

extension HTTPField.Name {
    static let signatureInput = HTTPField.Name("Signature-Input")!
    static let signature = HTTPField.Name("Signature")!
    static let contentDigest = HTTPField.Name("Content-Digest")!
    static let mcpProtocolVersion = HTTPField.Name("MCP-Protocol-Version")!
    static let mcpMethod = HTTPField.Name("Mcp-Method")!
    static let mcpName = HTTPField.Name("Mcp-Name")!
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
