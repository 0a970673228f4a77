import HTTPTypes
import MCPBroker
import MCPHTTPSignatures
import MCPWire

/// Signs `/mcp` responses with the server key (RFC 9421, `keyid` = server id,
/// covering `@status` and `content-digest`) so clients can verify them.
///
/// A response to a signed request is bound to that request (RFC 9421 §2.4):
/// it also covers the request's `Signature-Input` and `Signature` members
/// (`"signature-input";req;key="sig1"`, `"signature";req;key="sig1"`), which
/// name the client (`keyid`), the nonce, and through the request's own
/// signature its method, target and body digest. So an answer cannot be
/// replayed to another request or another client.
struct MCPResponseSigner: Sendable {
    let serverID: String
    let key: HMACKey

    /// Headers for a response: `Content-Digest` (when there is a body), `Signature-Input`, `Signature`.
    /// An empty answer (202 to a notification) is signed without `content-digest`.
    func headers(status: HTTPResponse.Status, body: [UInt8], request: HTTPFields) -> HTTPFields {
        var fields: HTTPFields = [:]
        let digest = ContentDigest.sha256(of: body)
        if !body.isEmpty { fields[.contentDigest] = digest }
        var components = body.isEmpty ? ["@status"] : ["@status", "content-digest"]
        var values: [String: String] = ["@status": String(status.code), "content-digest": digest]
        if let binding = Self.requestBinding(request) {
            for (component, value) in binding {
                components.append(component)
                values[component] = value
            }
        }
        let parameters = HTTPSignatureParameters(components: components, created: UnixTime.nowMillis() / 1000, keyID: serverID, nonce: nil)
        guard let base = try? HTTPMessageSignature.base(parameters, value: { values[$0] ?? "" }),
              let headers = try? HTTPMessageSignature.headers(label: "sig1", parameters: parameters, signature: HTTPMessageSignature.sign(base: base, key: key)) else {
            return fields
        }
        fields[.signatureInput] = headers.input
        fields[.signature] = headers.signature
        return fields
    }

    /// The request's signature, as `;req` components and their values: the
    /// member of `Signature-Input` and `Signature` the gateway verified (the
    /// first label). `nil` when the request carries no well-formed signature.
    static func requestBinding(_ request: HTTPFields) -> [(String, String)]? {
        guard let input = request[.signatureInput], let signature = request[.signature],
              let (label, _, _) = try? HTTPMessageSignature.parse(input: input, signature: signature),
              !label.contains("\""), !label.contains("\\"),
              let inputMember = try? HTTPSignatureComponent.dictionaryMember(input, key: label),
              let signatureMember = try? HTTPSignatureComponent.dictionaryMember(signature, key: label) else { return nil }
        return [
            (HTTPSignatureComponent.request("signature-input", key: label), inputMember),
            (HTTPSignatureComponent.request("signature", key: label), signatureMember),
        ]
    }
}
