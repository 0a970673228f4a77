import MCPWire
import Testing

/// A valid demo envelope as a mutable object, for building wrong variants.
func demoEnvelopeObject() -> JSONObject {
    [
        "v": "mcp/0.1", "request_id": "r-1", "ts_ms": 1_766_383_443_222, "client_id": "client-001",
        "server_id": "mcp-server-prod-001", "tool": "batch_sum", "args": ["numbers": [1, 2.5, 3, 10]],
        "nonce": "n-1", "signature": "00",
    ]
}

/// Decodes `object` as an envelope, returning the error (nil if it decoded).
func envelopeError(_ value: JSONValue) -> WireDecodingError? {
    do {
        _ = try Envelope(json: value)
        return nil
    } catch {
        return error
    }
}

@Suite("Envelope")
struct EnvelopeTests {
    static let members = ["v", "request_id", "ts_ms", "client_id", "server_id", "tool", "args", "nonce", "signature"]

    /// What a call asks, the same for each of its retries: SHA-256 of tool, newline, canonical args
    /// (the value computed independently with Python's `hashlib` and `json.dumps(sort_keys=True)`).
    @Test func callFingerprintIsToolAndCanonicalArgs() throws {
        let envelope = try Envelope(json: .object(demoEnvelopeObject()))
        #expect(envelope.callFingerprint == "4d7a90b2255a6f8be7d95d958c7a105a")
        var retry = demoEnvelopeObject()
        retry.set("nonce", "n-2")
        retry.set("ts_ms", 1_766_383_443_999)
        retry.set("signature", "ff")
        #expect(try Envelope(json: .object(retry)).callFingerprint == envelope.callFingerprint)
        let reordered = try Envelope(json: try JSONParser.parse(Array(#"{"v":"mcp/0.1","request_id":"r-1","ts_ms":1,"client_id":"c","server_id":"s","tool":"t","args":{"b":1,"a":[true, null]},"nonce":"n","signature":"00"}"#.utf8)))
        let ordered = try Envelope(json: try JSONParser.parse(Array(#"{"v":"mcp/0.1","request_id":"r-1","ts_ms":1,"client_id":"c","server_id":"s","tool":"t","args":{"a":[true,null],"b":1},"nonce":"n","signature":"00"}"#.utf8)))
        #expect(reordered.callFingerprint == ordered.callFingerprint)
        var otherArgs = demoEnvelopeObject()
        otherArgs.set("args", ["numbers": [1, 2.5, 3, 11]])
        #expect(try Envelope(json: .object(otherArgs)).callFingerprint != envelope.callFingerprint)
        var otherTool = demoEnvelopeObject()
        otherTool.set("tool", "batch_sum2")
        #expect(try Envelope(json: .object(otherTool)).callFingerprint != envelope.callFingerprint)
    }

    @Test func decodesAllMembers() throws {
        let envelope = try Envelope(json: .object(demoEnvelopeObject()))
        #expect(envelope.v == "mcp/0.1")
        #expect(envelope.requestID == "r-1")
        #expect(envelope.tsMs == JSONInteger(1_766_383_443_222))
        #expect(envelope.clientID == "client-001")
        #expect(envelope.serverID == "mcp-server-prod-001")
        #expect(envelope.tool == "batch_sum")
        #expect(envelope.args == ["numbers": [1, 2.5, 3, 10]])
        #expect(envelope.nonce == "n-1")
        #expect(envelope.signature == "00")
        #expect(envelope.json() == .object(demoEnvelopeObject()))
    }

    @Test(arguments: members)
    func missingMemberIsNamed(_ member: String) {
        var object = demoEnvelopeObject()
        object.removeValue(forKey: member)
        let error = envelopeError(.object(object))
        #expect(error?.code == .missingMember)
        #expect(error?.member == member)
        #expect(error?.message == "missing member \"\(member)\"")
    }

    @Test func extraMemberIsNamed() {
        var object = demoEnvelopeObject()
        object.set("meta", [:])
        let error = envelopeError(.object(object))
        #expect(error?.code == .extraMember)
        #expect(error?.member == "meta")
        #expect(error?.description == "extra_member: unexpected member \"meta\"")
    }

    @Test(arguments: [
        ("ts_ms", "123" as JSONValue, "member \"ts_ms\" must be an integer, got string"),
        ("ts_ms", 1.0, "member \"ts_ms\" must be an integer, got float"),
        ("ts_ms", nil, "member \"ts_ms\" must be an integer, got null"),
        ("args", "{}", "member \"args\" must be an object, got string"),
        ("args", [1, 2], "member \"args\" must be an object, got array"),
        ("client_id", 1, "member \"client_id\" must be a string, got integer"),
        ("v", 0.1, "member \"v\" must be a string, got float"),
        ("signature", nil, "member \"signature\" must be a string, got null"),
        ("nonce", true, "member \"nonce\" must be a string, got boolean"),
        ("tool", ["name": "x"], "member \"tool\" must be a string, got object"),
    ] as [(String, JSONValue, String)])
    func wrongTypeIsNamed(_ member: String, _ value: JSONValue, _ message: String) {
        var object = demoEnvelopeObject()
        object.set(member, value)
        let error = envelopeError(.object(object))
        #expect(error?.code == .wrongType)
        #expect(error?.member == member)
        #expect(error?.message == message)
    }

    /// An empty `request_id` would be one idempotency record shared by all such requests of a client.
    @Test(arguments: ["request_id", "client_id", "server_id", "tool", "nonce"])
    func emptyIdentifierIsRefused(_ member: String) {
        var object = demoEnvelopeObject()
        object.set(member, "")
        let error = envelopeError(.object(object))
        #expect(error?.code == .invalidValue)
        #expect(error?.member == member)
        #expect(error?.message == "member \"\(member)\" must not be empty")
    }

    @Test func topLevelMustBeAnObject() {
        let error = envelopeError([1, 2])
        #expect(error?.code == .notAnObject)
        #expect(error?.member == nil)
        #expect(error?.message == "expected a JSON object, got array")
    }

    @Test func versionValueIsNotCheckedHere() throws {
        var object = demoEnvelopeObject()
        object.set("v", "mcp/9")
        #expect(try Envelope(json: .object(object)).v == "mcp/9")
    }

    @Test func signAndVerifyRoundTrip() throws {
        let key = HMACKey(secret: "client_secret")
        let envelope = Envelope(
            requestID: "6b1c0d1e-5f59-4a8e-9c55-3f1a2b3c4d5e", tsMs: 1_766_383_443_222, clientID: "client-001",
            serverID: "mcp-server-prod-001", tool: "batch_sum", args: ["numbers": [1, 2.5, 3, 10]],
            nonce: "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f")
        let signed = envelope.signed(with: key)
        #expect(signed.signature == "3caa75519689dfe9e4bb75d16e0ab758a1ee0cf42852e7100bc2c9cdf74ea870")
        #expect(signed.verify(with: key))
        #expect(!envelope.verify(with: key))
        #expect(!signed.verify(with: HMACKey(secret: "other")))
        // What goes on the wire decodes back to the same envelope.
        let decoded = try Envelope(json: JSONParser.parse(signed.wireBytes()))
        #expect(decoded == signed)
        #expect(decoded.verify(with: key))
    }

    @Test func upperCaseOrTruncatedSignatureFails() throws {
        let key = HMACKey(secret: "client_secret")
        let signed = Envelope(
            requestID: "r", tsMs: 1, clientID: "c", serverID: "s", tool: "echo", nonce: "n"
        ).signed(with: key)
        let upper = try Envelope(json: .object(replacing(signed, signature: signed.signature.uppercased())))
        let short = try Envelope(json: .object(replacing(signed, signature: String(signed.signature.dropLast(2)))))
        #expect(signed.verify(with: key))
        #expect(!upper.verify(with: key))
        #expect(!short.verify(with: key))
    }

    private func replacing(_ envelope: Envelope, signature: String) -> JSONObject {
        var object = envelope.json().objectValue ?? JSONObject()
        object.set("signature", .string(signature))
        return object
    }
}
