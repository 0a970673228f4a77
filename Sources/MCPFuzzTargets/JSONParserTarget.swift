#if DEBUG || MCP_FUZZING
@testable import MCPGateway
import MCPWire

/// The strict JSON parser on raw bytes. A parsed value must canonicalise to
/// bytes that parse again to an equal value with the same canonical form
/// (what a signature covers must not change by re-encoding). The JSON-RPC
/// request decoder of `/mcp` and the response decoder clients use run on the
/// same value.
enum JSONParserTarget {
    static func run(_ bytes: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        _ = try? JSONRPCRequest.decode(bytes)
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONParser.parse(bytes)
        } catch {
            return .rejected(error.code.rawValue)
        }
        let canonical = CanonicalJSON.bytes(value)
        let again: JSONValue
        do {
            again = try JSONParser.parse(canonical)
        } catch {
            throw FuzzFailure(.json, "the canonical form does not parse: \(error)")
        }
        guard again == value else { throw FuzzFailure(.json, "the canonical form parses to a different value") }
        guard CanonicalJSON.bytes(again) == canonical else { throw FuzzFailure(.json, "the canonical form is not stable") }
        if let response = try? Response(json: value) {
            guard (try? Response(json: JSONParser.parse(response.wireBytes()))) == response else {
                throw FuzzFailure(.json, "a decoded response does not survive its own wire bytes")
            }
        }
        if let envelope = try? Envelope(json: value) {
            guard (try? Envelope(json: JSONParser.parse(envelope.wireBytes()))) == envelope else {
                throw FuzzFailure(.json, "a decoded envelope does not survive its own wire bytes")
            }
        }
        return .accepted
    }
}
#endif
