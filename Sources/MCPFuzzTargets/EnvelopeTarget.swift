#if DEBUG || MCP_FUZZING
@testable import MCPGateway
import MCPTools
import MCPWire

/// The gateway's envelope path on a request body: decode (size, strict JSON,
/// strict schema), then authenticate as sent, then — so the fuzzer gets past
/// the MAC — the same envelope re-signed with its client's key through
/// version, server, client, signature and freshness, and step 10 against the
/// control tools' and built-in tools' schemas. Every refusal is answered with
/// a signed error response that must itself be strict JSON and verify.
enum EnvelopeTarget {
    static func run(_ bytes: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        let verifier = GatewayFixtures.verifier
        var parsed: JSONValue?
        let envelope: Envelope
        do throws(GatewayFailure) {
            envelope = try verifier.decode(bytes, parsed: &parsed)
        } catch {
            try answer(error, requestID: EnvelopeVerifier.requestID(of: parsed))
            return .rejected("\(error.code)")
        }
        try roundTrip(envelope)
        do throws(GatewayFailure) {
            _ = try verifier.authenticate(envelope, nowMillis: FuzzFixtures.nowMillis)
        } catch {
            try answer(error, requestID: envelope.requestID)
        }

        let key = FuzzFixtures.keyRing.client(envelope.clientID)?.key ?? FuzzFixtures.anyClientKey
        let signed = envelope.signed(with: key)
        guard signed.verify(with: key) else { throw FuzzFailure(.envelope, "a freshly signed envelope does not verify") }
        try roundTrip(signed)
        let client: ClientEntry
        do throws(GatewayFailure) {
            client = try verifier.authenticate(signed, nowMillis: FuzzFixtures.nowMillis)
        } catch {
            try answer(error, requestID: signed.requestID)
            if "\(error.code)" == "bad_signature", FuzzFixtures.keyRing.client(signed.clientID) != nil {
                throw FuzzFailure(.envelope, "an envelope signed with its client's key failed the signature check")
            }
            return .rejected("\(error.code)")
        }
        return authorize(signed, client: client)
    }

    /// Step 10 without the catalog round trip: control tools and the built-in worker tools.
    static func authorize(_ envelope: Envelope, client: ClientEntry) -> FuzzOutcome {
        let schema: JSONValue
        if let control = ControlTool(rawValue: envelope.tool) {
            schema = control.descriptor.inputSchema
        } else if let descriptor = ToolRegistry.builtIn.descriptor(named: envelope.tool) {
            guard client.mayCall(envelope.tool) else { return .rejected("forbidden_tool") }
            schema = descriptor.inputSchema
        } else {
            return .rejected("unknown_tool")
        }
        if let violation = JSONSchemaValidator.firstViolation(.object(envelope.args), against: schema, path: "args") {
            return .rejected("invalid_args:\(violation.keyword)")
        }
        return .accepted
    }

    /// What the gateway publishes must decode back to the same envelope.
    static func roundTrip(_ envelope: Envelope) throws(FuzzFailure) {
        guard let value = try? JSONParser.parse(envelope.wireBytes()), let again = try? Envelope(json: value), again == envelope else {
            throw FuzzFailure(.envelope, "an envelope does not survive its own wire bytes")
        }
    }

    static func answer(_ failure: GatewayFailure, requestID: String) throws(FuzzFailure) {
        try GatewayFixtures.checkAnswer(GatewayFixtures.responseSigner.failure(failure, requestID: requestID), .envelope)
    }
}
#endif
