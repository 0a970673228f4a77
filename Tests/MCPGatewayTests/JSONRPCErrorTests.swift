import HTTPTypes
@testable import MCPGateway
import MCPWire
import Testing

/// `/mcp` errors carry a typed code, sent as `data.code`, and keep their cause for logs only.
@Suite("JSON-RPC errors")
struct JSONRPCErrorTests {
    struct Cause: Error, CustomStringConvertible {
        var description: String { "redis at 10.0.0.7 refused user gateway" }
    }

    static let all: [(JSONRPCError, Int, String)] = [
        (.parse("x"), -32700, "parse_error"),
        (.invalidRequest("x"), -32600, "invalid_request"),
        (.payloadTooLarge(limit: 10), -32600, "payload_too_large"),
        (.methodNotFound("x"), -32601, "method_not_found"),
        (.invalidParams("x"), -32602, "invalid_params"),
        (.invalidParams("x", code: .unknownTool), -32602, "unknown_tool"),
        (.unknownTask("t"), -32602, "unknown_task"),
        (.internalError("x"), -32603, "internal"),
        (.internalError("x", code: JSONRPCError.Code(raw: "TOOL_TIMEOUT")), -32603, "TOOL_TIMEOUT"),
        (.unavailable("x", underlying: Cause()), -32603, "unavailable"),
        (.overloaded("x"), -32603, "overloaded"),
        (.rateLimited(client: "c", ratePerSecond: 1, retryAfterSeconds: 3), -32029, "rate_limited"),
        (.headerMismatch("x"), -32020, "header_mismatch"),
        (.unsupportedVersion("1999-01-01"), -32022, "unsupported_version"),
        (.replayed, -32001, "replayed"),
    ]

    @Test func everyErrorSendsItsNumberAndItsCode() {
        for (error, number, code) in Self.all {
            let json = error.json()
            #expect(json["code"] == .integer(JSONInteger(Int64(number))), "\(code)")
            #expect(json["data"]?.objectValue?["code"]?.stringValue == code)
            #expect(error.code.description == code)
        }
    }

    @Test func theCauseIsKeptButNeverSent() throws {
        let error = JSONRPCError.unavailable("connection refused", underlying: Cause())
        #expect(error.underlying is Cause)
        let sent = String(decoding: CanonicalJSON.bytes(.object(error.json())), as: UTF8.self)
        #expect(!sent.contains("10.0.0.7"), "\(sent)")
        #expect(error.httpStatus == .serviceUnavailable)
    }

    @Test func extraDataStaysBesideTheCode() {
        let data = JSONRPCError.rateLimited(client: "c", ratePerSecond: 1, retryAfterSeconds: 3).json()["data"]?.objectValue
        #expect(data?["retry_after_seconds"] == .integer(3))
        #expect(data?["code"] == "rate_limited")
    }
}
