import MCPWire
import Testing

@Suite("mcp-0.1 vectors")
struct VectorTests {
    /// The reason each `layer: schema` vector must be rejected with.
    static let schemaRejections: [String: String] = [
        "extra_top_level_field": "schema:extra_member:meta",
        "missing_signature": "schema:missing_member:signature",
        "wrong_version": "unsupported_version",
        "args_not_object": "schema:wrong_type:args",
        "client_id_not_string": "schema:wrong_type:client_id",
        "missing_client_id": "schema:missing_member:client_id",
        "ts_ms_fractional": "schema:wrong_type:ts_ms",
        "ts_ms_null": "schema:wrong_type:ts_ms",
        "missing_request_id": "schema:missing_member:request_id",
    ]

    /// The strict reason for each quirk.
    static let quirkReasons: [String: String] = [
        "ts_ms_as_string": "schema:wrong_type:ts_ms",
        "ts_ms_as_integral_float": "schema:wrong_type:ts_ms",
        "ts_ms_string_with_underscores": "schema:wrong_type:ts_ms",
        "omitted_v": "schema:missing_member:v",
        "omitted_args": "schema:missing_member:args",
        "duplicate_key_in_args": "parse:duplicate_key",
        "duplicate_top_level_tool": "parse:duplicate_key",
        "nan_in_args": "parse:non_finite_number",
        "infinity_in_args": "parse:non_finite_number",
        "overflow_1e400": "parse:non_finite_number",
        "lone_surrogate": "parse:lone_surrogate",
    ]

    @Test func fixtureCounts() {
        #expect(Fixtures.vectors.count == 70)
        #expect(Fixtures.vectors.filter { $0.expect == "valid" }.count == 32)
        #expect(Fixtures.quirks.count == 11)
        #expect(Fixtures.canonicalCases.count == 92)
    }

    @Test("signing vector", arguments: Fixtures.vectors)
    func signingVector(_ vector: SigningVector) throws {
        let secret = hexBytes(vector.secretHex)
        let verdict = strictVerdict(wire: vector.wire, secret: secret, kind: vector.kind)
        #expect(verdict.result == vector.expect)
        if vector.layer == "schema" {
            #expect(verdict.reason == Self.schemaRejections[vector.name])
            return
        }
        #expect(verdict.reason == "signature")
        let key = HMACKey(secret: secret)
        let parsed = try JSONParser.parse(vector.wire)
        let signing: [UInt8]
        let carried: String
        if vector.kind == "response" {
            let response = try Response(json: parsed)
            signing = response.signingBytes()
            carried = response.signature
            var withPlaceholder = try #require(parsed.objectValue)
            withPlaceholder.set("signature", "")
            #expect(signing == CanonicalJSON.bytes(.object(withPlaceholder)))
            #expect(response.signed(with: key).verify(with: key))
        } else {
            let envelope = try Envelope(json: parsed)
            signing = envelope.signingBytes()
            carried = envelope.signature
            var withoutSignature = try #require(parsed.objectValue)
            withoutSignature.removeValue(forKey: "signature")
            #expect(signing == CanonicalJSON.bytes(.object(withoutSignature)))
            #expect(envelope.signed(with: key).verify(with: key))
        }
        #expect(String(decoding: signing, as: UTF8.self) == vector.canonical)
        #expect(SHA256.hex(signing) == vector.canonicalSHA256)
        #expect(key.hexMAC(signing) == vector.expectedSignature)
        #expect(carried == vector.carriedSignature)
        #expect((carried == vector.expectedSignature) == (vector.expect == "valid"))
    }

    @Test("quirk", arguments: Fixtures.quirks)
    func quirk(_ quirk: Quirk) {
        let verdict = strictVerdict(wire: quirk.wire, secret: hexBytes(quirk.secretHex), kind: "request")
        #expect(verdict.result == quirk.strictResult)
        #expect(verdict.reason == Self.quirkReasons[quirk.name])
    }

    @Test("canonicalization case", arguments: Fixtures.canonicalCases)
    func canonicalization(_ testCase: CanonicalCase) throws {
        let value = try JSONParser.parse(testCase.wire)
        #expect(CanonicalJSON.string(value) == testCase.canonical)
        // The canonical form is a fixed point and parses back to an equal value.
        let reparsed = try JSONParser.parse(testCase.canonical)
        #expect(CanonicalJSON.string(reparsed) == testCase.canonical)
        #expect(reparsed == value)
    }
}
