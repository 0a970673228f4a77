import Foundation
import MCPHTTPSignatures
import MCPWire

/// Signs `/mcp` requests the way the gateway verifies them: RFC 9530
/// `Content-Digest`, and an RFC 9421 signature (hmac-sha256, `keyid` = client id)
/// covering `@method`, `@target-uri` and `content-digest`, with `created` and a fresh `nonce`.
public struct MCPRequestSigner: Sendable {
    /// The client id (`keyid`).
    public let clientID: String
    private let key: HMACKey

    /// Creates a signer for a client's secret.
    public init(clientID: String, secret: [UInt8]) {
        self.clientID = clientID
        self.key = HMACKey(secret: secret)
    }

    /// The headers to add to a request: `Content-Digest`, `Signature-Input`, `Signature`.
    /// `expires` (Unix seconds), when given, bounds how long the signature is good for.
    public func headers(method: String = "POST", targetURI: String, body: [UInt8], created: Int64 = Int64(Date().timeIntervalSince1970), nonce: String = UUID().uuidString.lowercased(), expires: Int64? = nil) throws -> [(String, String)] {
        let digest = ContentDigest.sha256(of: body)
        let parameters = HTTPSignatureParameters(
            components: ["@method", "@target-uri", "content-digest"], created: created, keyID: clientID, nonce: nonce, expires: expires)
        let values = ["@method": method, "@target-uri": targetURI, "content-digest": digest]
        let base = try HTTPMessageSignature.base(parameters) { values[$0] ?? "" }
        let signed = try HTTPMessageSignature.headers(label: "sig1", parameters: parameters, signature: HTTPMessageSignature.sign(base: base, key: key))
        return [("Content-Digest", digest), ("Signature-Input", signed.input), ("Signature", signed.signature)]
    }
}

/// Verifies the gateway's response signatures (`keyid` = server id, covering
/// `@status`, `content-digest`, and, for a signed request, that request's
/// `Signature-Input` and `Signature` members with `;req`): a response counts
/// only for the request it answers.
public struct MCPResponseVerifier: Sendable {
    private let key: HMACKey
    /// The expected server id.
    public let serverID: String

    /// Creates a verifier for the server secret.
    public init(serverID: String, secret: [UInt8]) {
        self.serverID = serverID
        self.key = HMACKey(secret: secret)
    }

    /// Whether a response's signature and digest are the server's, and bound to
    /// the request whose headers (names lower-cased) are `request`.
    public func verify(status: Int, headers: [String: String], body: [UInt8], request: [String: String]) -> Bool {
        guard let input = headers["signature-input"], let signature = headers["signature"],
              let parsed = try? HTTPMessageSignature.parse(input: input, signature: signature),
              parsed.parameters.keyID == serverID, parsed.parameters.components.contains("@status") else { return false }
        if !body.isEmpty {
            guard parsed.parameters.components.contains("content-digest"), let digest = headers["content-digest"],
                  ContentDigest.matches(digest, body: body) else { return false }
        }
        if let requestInput = request["signature-input"], let requestSignature = request["signature"] {
            guard let label = try? HTTPMessageSignature.parse(input: requestInput, signature: requestSignature).label,
                  parsed.parameters.components.contains(HTTPSignatureComponent.request("signature-input", key: label)),
                  parsed.parameters.components.contains(HTTPSignatureComponent.request("signature", key: label)) else { return false }
        }
        guard let base = try? HTTPMessageSignature.base(parsed.parameters, value: { component throws(HTTPSignatureError) -> String in
            if component == "@status" { return String(status) }
            let source = HTTPSignatureComponent.isRequestComponent(component) ? request : headers
            let name = HTTPSignatureComponent.split(component).name
            guard let value = source[name] else { throw HTTPSignatureError(.missingComponent, component) }
            if let key = HTTPSignatureComponent.key(of: component) {
                return try HTTPSignatureComponent.dictionaryMember(value, key: key)
            }
            return value
        }) else { return false }
        return SignatureCheck.constantTimeEqual(key.mac(base), parsed.mac)
    }
}
