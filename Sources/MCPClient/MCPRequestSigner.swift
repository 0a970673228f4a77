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
    public func headers(method: String = "POST", targetURI: String, body: [UInt8], created: Int64 = Int64(Date().timeIntervalSince1970), nonce: String = UUID().uuidString.lowercased()) throws -> [(String, String)] {
        let digest = ContentDigest.sha256(of: body)
        let parameters = HTTPSignatureParameters(
            components: ["@method", "@target-uri", "content-digest"], created: created, keyID: clientID, nonce: nonce)
        let values = ["@method": method, "@target-uri": targetURI, "content-digest": digest]
        let base = try HTTPMessageSignature.base(parameters) { values[$0] ?? "" }
        let signed = try HTTPMessageSignature.headers(label: "sig1", parameters: parameters, signature: HTTPMessageSignature.sign(base: base, key: key))
        return [("Content-Digest", digest), ("Signature-Input", signed.input), ("Signature", signed.signature)]
    }
}

/// Verifies the gateway's response signatures (`keyid` = server id, covering `@status` and `content-digest`).
public struct MCPResponseVerifier: Sendable {
    private let key: HMACKey
    /// The expected server id.
    public let serverID: String

    /// Creates a verifier for the server secret.
    public init(serverID: String, secret: [UInt8]) {
        self.serverID = serverID
        self.key = HMACKey(secret: secret)
    }

    /// Whether a response's signature and digest are the server's.
    public func verify(status: Int, headers: [String: String], body: [UInt8]) -> Bool {
        guard let input = headers["signature-input"], let signature = headers["signature"],
              let parsed = try? HTTPMessageSignature.parse(input: input, signature: signature),
              parsed.parameters.keyID == serverID, parsed.parameters.components.contains("@status") else { return false }
        if !body.isEmpty {
            guard parsed.parameters.components.contains("content-digest"), let digest = headers["content-digest"],
                  ContentDigest.matches(digest, body: body) else { return false }
        }
        guard let base = try? HTTPMessageSignature.base(parsed.parameters, value: { component throws(HTTPSignatureError) -> String in
            if component == "@status" { return String(status) }
            guard let value = headers[component] else { throw HTTPSignatureError("missing_component", component) }
            return value
        }) else { return false }
        return SignatureCheck.constantTimeEqual(key.mac(base), parsed.mac)
    }
}
