import HTTPTypes
import MCPWire

/// A JSON-RPC error for `/mcp`: the standard code, a message naming the
/// problem, our stable `data.code`, and the HTTP status it travels with.
struct JSONRPCError: Error, Sendable {
    let code: Int
    let message: String
    let data: JSONObject?
    let httpStatus: HTTPResponse.Status
    /// `Retry-After` seconds, when the error says when to come back (else 1 s for 429 and 503).
    let retryAfterSeconds: Int?

    init(_ code: Int, _ message: String, data: JSONObject? = nil, httpStatus: HTTPResponse.Status = .ok, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.data = data
        self.httpStatus = httpStatus
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The `error` member.
    func json() -> JSONObject {
        var object: JSONObject = ["code": .integer(JSONInteger(Int64(code))), "message": .string(message)]
        if let data { object["data"] = .object(data) }
        return object
    }

    static func parse(_ why: String) -> Self { Self(-32700, "Parse error: \(why)", httpStatus: .badRequest) }
    static func invalidRequest(_ why: String) -> Self { Self(-32600, "Invalid Request: \(why)", httpStatus: .badRequest) }
    static func methodNotFound(_ method: String) -> Self { Self(-32601, "Method not found: \(method)") }
    static func invalidParams(_ why: String, code: String = "invalid_params") -> Self {
        Self(-32602, "Invalid params: \(why)", data: ["code": .string(code)])
    }
    static func unknownTask(_ id: String) -> Self {
        Self(-32602, "Invalid params: no task \"\(id)\" for this client", data: ["code": "unknown_task"])
    }
    static func internalError(_ why: String, code: String = "internal") -> Self {
        Self(-32603, "Internal error: \(why)", data: ["code": .string(code)])
    }
    static func unavailable(_ why: String) -> Self {
        Self(-32603, "unavailable: the job store is unreachable (\(why)); retry shortly", data: ["code": "unavailable"], httpStatus: .serviceUnavailable)
    }
    static func overloaded(_ why: String) -> Self {
        Self(-32603, "overloaded: \(why)", data: ["code": "overloaded"], httpStatus: .tooManyRequests)
    }
    /// A client over its per-client rate (`--client-rate`, shared with `/v1` and ingress): 429 with `Retry-After`.
    static func rateLimited(client: String, ratePerSecond: Double, retryAfterSeconds: Int) -> Self {
        Self(
            -32029, "rate_limited: client \"\(client)\" is over its \(Int(ratePerSecond)) requests/s; retry after \(retryAfterSeconds) s with a new signature",
            data: ["code": "rate_limited", "retry_after_seconds": .integer(JSONInteger(Int64(retryAfterSeconds)))],
            httpStatus: .tooManyRequests, retryAfterSeconds: retryAfterSeconds)
    }
    /// A request whose signature nonce was used before (a replay, or a retry that must be signed anew).
    static let replayed = unauthorized(code: "replayed", message: "this signature nonce was already used: sign every request with a fresh nonce")
    /// An authentication failure: 401 with our code (`missing_signature`, `bad_signature`, `stale_request`, `replayed`, …).
    static func unauthorized(code: String, message: String) -> Self {
        Self(-32001, "\(code): \(message)", data: ["code": .string(code)], httpStatus: .unauthorized)
    }
    static func unsupportedVersion(_ requested: String) -> Self {
        Self(
            -32022, "Unsupported protocol version \"\(requested)\"",
            data: [
                "supported": .array(MCPProtocol.allCases.map { .string($0.rawValue) } + MCPProtocol.handshakeVersions.dropFirst().map { .string($0) }),
                "requested": .string(requested),
            ],
            httpStatus: .badRequest)
    }
}
