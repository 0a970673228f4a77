import MCPWire
import Testing

func demoResponseObject() -> JSONObject {
    [
        "v": "mcp/0.1", "request_id": "r-1", "ts_ms": 1_766_383_443_223, "ok": true,
        "server_id": "mcp-server-prod-001", "status": "ok", "result": ["count": 4, "total": 16.5],
        "error": nil, "signature": "",
    ]
}

func responseError(_ value: JSONValue) -> WireDecodingError? {
    do {
        _ = try Response(json: value)
        return nil
    } catch {
        return error
    }
}

@Suite("Response")
struct ResponseTests {
    static let members = ["v", "request_id", "ts_ms", "ok", "server_id", "status", "result", "error", "signature"]

    @Test func decodesAllMembers() throws {
        let response = try Response(json: .object(demoResponseObject()))
        #expect(response.ok)
        #expect(response.status == .ok)
        #expect(response.result == ["count": 4, "total": 16.5])
        #expect(response.error == nil)
        #expect(response.tsMs.text == "1766383443223")
        #expect(response.json() == .object(demoResponseObject()))
    }

    @Test func nullResultAndStringError() throws {
        var object = demoResponseObject()
        object.set("result", nil)
        object.set("error", "bad_signature: signature does not match")
        object.set("ok", false)
        object.set("status", "error")
        let response = try Response(json: .object(object))
        #expect(response.result == nil)
        #expect(response.error == "bad_signature: signature does not match")
        #expect(response.status == .error)
    }

    @Test(arguments: members)
    func missingMemberIsNamed(_ member: String) {
        var object = demoResponseObject()
        object.removeValue(forKey: member)
        #expect(responseError(.object(object)) == WireDecodingError(
            code: .missingMember, member: member, message: "missing member \"\(member)\""))
    }

    @Test(arguments: [
        ("ok", 1 as JSONValue), ("ok", "true"), ("result", [1]), ("result", "x"), ("error", 3),
        ("ts_ms", "1766383443223"), ("ts_ms", 1.0), ("status", nil), ("signature", 0),
    ] as [(String, JSONValue)])
    func wrongTypeIsNamed(_ member: String, _ value: JSONValue) {
        var object = demoResponseObject()
        object.set(member, value)
        let error = responseError(.object(object))
        #expect(error?.code == .wrongType)
        #expect(error?.member == member)
    }

    @Test func unknownStatusIsInvalidValue() {
        var object = demoResponseObject()
        object.set("status", "queued")
        let error = responseError(.object(object))
        #expect(error?.code == .invalidValue)
        #expect(error?.member == "status")
        #expect(error?.message == "member \"status\" must be one of ok, accepted, running, done, error, got \"queued\"")
    }

    @Test func extraMemberIsRejected() {
        var object = demoResponseObject()
        object.set("job_id", "j")
        #expect(responseError(.object(object))?.code == .extraMember)
        #expect(responseError(.object(object))?.member == "job_id")
    }

    @Test func signingUsesTheEmptySignaturePlaceholder() throws {
        let key = HMACKey(secret: "server_secret")
        let response = Response(
            requestID: "6b1c0d1e-5f59-4a8e-9c55-3f1a2b3c4d5e", tsMs: 1_766_383_443_223, ok: true,
            serverID: "mcp-server-prod-001", status: .ok, result: ["count": 4, "total": 16.5])
        let signed = response.signed(with: key)
        let vector = try #require(Fixtures.vectors.first { $0.name == "response_batch_sum" })
        #expect(signed.signature == vector.expectedSignature)
        #expect(String(decoding: signed.signingBytes(), as: UTF8.self) == vector.canonical)
        #expect(signed.verify(with: key))
        #expect(!response.verify(with: key))
        let decoded = try Response(json: JSONParser.parse(signed.wireBytes()))
        #expect(decoded == signed)
        #expect(CanonicalJSON.bytes(signed.json()) == signed.wireBytes())
    }
}
