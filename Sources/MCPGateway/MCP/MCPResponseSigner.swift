import HTTPTypes
import MCPBroker
import MCPHTTPSignatures
import MCPWire

/// Signs `/mcp` responses with the server key (RFC 9421, `keyid` = server id,
/// covering `@status` and `content-digest`) so clients can verify them.
struct MCPResponseSigner: Sendable {
    let serverID: String
    let key: HMACKey

    /// Headers for a response: `Content-Digest` (when there is a body), `Signature-Input`, `Signature`.
    /// An empty answer (202 to a notification) is signed over `@status` alone.
    func headers(status: HTTPResponse.Status, body: [UInt8]) -> HTTPFields {
        var fields: HTTPFields = [:]
        let digest = ContentDigest.sha256(of: body)
        if !body.isEmpty { fields[.contentDigest] = digest }
        let parameters = HTTPSignatureParameters(
            components: body.isEmpty ? ["@status"] : ["@status", "content-digest"], created: UnixTime.nowMillis() / 1000, keyID: serverID, nonce: nil)
        let values: [String: String] = ["@status": String(status.code), "content-digest": digest]
        guard let base = try? HTTPMessageSignature.base(parameters, value: { values[$0] ?? "" }),
              let headers = try? HTTPMessageSignature.headers(label: "sig1", parameters: parameters, signature: HTTPMessageSignature.sign(base: base, key: key)) else {
            return fields
        }
        fields[.signatureInput] = headers.input
        fields[.signature] = headers.signature
        return fields
    }
}
