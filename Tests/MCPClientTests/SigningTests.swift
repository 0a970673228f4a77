import MCPClient
import MCPHTTPSignatures
import MCPWire
import Testing

/// The client's signing and verification, checked against the signature
/// library directly (no gateway): what it sends verifies, and a response counts
/// only for the request it answers.
@Suite("MCPClient signing")
struct SigningTests {
    static let clientSecret: [UInt8] = Array("client-secret".utf8)
    static let serverSecret: [UInt8] = Array("server-secret".utf8)
    static let target = "https://mcp.example.com/mcp"

    static func lower(_ headers: [(String, String)]) -> [String: String] {
        Dictionary(headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func requestHeadersVerifyAgainstTheirOwnBase() throws {
        let body = Array(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#.utf8)
        let headers = Self.lower(try MCPRequestSigner(clientID: "client-001", secret: Self.clientSecret)
            .headers(targetURI: Self.target, body: body, created: 1_766_383_443, nonce: "n-1", expires: 1_766_383_503))
        let digest = try #require(headers["content-digest"])
        #expect(ContentDigest.matches(digest, body: body))
        #expect(!ContentDigest.matches(digest, body: body + [0x20]))
        let parsed = try HTTPMessageSignature.parse(input: try #require(headers["signature-input"]), signature: try #require(headers["signature"]))
        #expect(parsed.parameters.components == ["@method", "@target-uri", "content-digest"])
        #expect(parsed.parameters.keyID == "client-001" && parsed.parameters.nonce == "n-1")
        #expect(parsed.parameters.created == 1_766_383_443 && parsed.parameters.expires == 1_766_383_503)
        let values = ["@method": "POST", "@target-uri": Self.target, "content-digest": digest]
        let base = try HTTPMessageSignature.base(parsed.parameters) { (name: String) throws(HTTPSignatureError) -> String in values[name] ?? "" }
        #expect(HMACKey(secret: Self.clientSecret).mac(base) == parsed.mac)
        #expect(HMACKey(secret: Array("another".utf8)).mac(base) != parsed.mac)
    }

    @Test func envelopesAreSignedWithTheClientKey() {
        let client = MCPStreamsClient(
            gatewayURL: "http://127.0.0.1:1", credentials: ClientCredentials(clientID: "client-001", secret: Self.clientSecret, serverID: "srv"))
        let envelope = client.envelope(tool: "echo", args: ["message": "hi"])
        #expect(envelope.clientID == "client-001" && envelope.serverID == "srv")
        #expect(envelope.verify(with: HMACKey(secret: Self.clientSecret)))
        #expect(!envelope.verify(with: HMACKey(secret: Self.serverSecret)))
    }

    /// A response signed by the server, bound to `request` as the gateway binds it.
    static func response(status: Int, body: [UInt8], boundTo request: [String: String]) throws -> [String: String] {
        let digest = ContentDigest.sha256(of: body)
        let components = ["@status", "content-digest", HTTPSignatureComponent.request("signature-input", key: "sig1"),
                          HTTPSignatureComponent.request("signature", key: "sig1")]
        let parameters = HTTPSignatureParameters(components: components, created: 1_766_383_444, keyID: "srv", nonce: nil)
        let base = try HTTPMessageSignature.base(parameters) { (component: String) throws(HTTPSignatureError) -> String in
            switch component {
            case "@status": return String(status)
            case "content-digest": return digest
            default:
                let name = HTTPSignatureComponent.split(component).name
                return try HTTPSignatureComponent.dictionaryMember(request[name] ?? "", key: "sig1")
            }
        }
        let signed = try HTTPMessageSignature.headers(
            label: "sig1", parameters: parameters, signature: HTTPMessageSignature.sign(base: base, key: HMACKey(secret: serverSecret)))
        return ["content-digest": digest, "signature-input": signed.input, "signature": signed.signature]
    }

    @Test func aResponseVerifiesOnlyForTheRequestItAnswers() throws {
        let signer = MCPRequestSigner(clientID: "client-001", secret: Self.clientSecret)
        let body = Array(#"{"jsonrpc":"2.0","id":1,"result":{}}"#.utf8)
        let first = Self.lower(try signer.headers(targetURI: Self.target, body: [1], nonce: "n-1"))
        let second = Self.lower(try signer.headers(targetURI: Self.target, body: [1], nonce: "n-2"))
        let answer = try Self.response(status: 200, body: body, boundTo: first)
        let verifier = MCPResponseVerifier(serverID: "srv", secret: Self.serverSecret)
        #expect(verifier.verify(status: 200, headers: answer, body: body, request: first))
        #expect(!verifier.verify(status: 200, headers: answer, body: body, request: second))  // another request's answer
        #expect(!verifier.verify(status: 500, headers: answer, body: body, request: first))  // another status
        #expect(!verifier.verify(status: 200, headers: answer, body: body + [0x20], request: first))  // another body
        #expect(!MCPResponseVerifier(serverID: "other", secret: Self.serverSecret).verify(status: 200, headers: answer, body: body, request: first))
    }
}
