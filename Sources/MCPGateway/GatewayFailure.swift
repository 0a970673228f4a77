import HTTPTypes

/// Why the gateway refused a request: a stable code (the start of the
/// response's `error`), the HTTP status, and a message that tells the caller
/// what to fix (DESIGN §3).
public struct GatewayFailure: Error, Sendable, Equatable {
    /// The machine-readable code, e.g. `bad_signature`.
    public let code: String
    /// The HTTP status it is answered with.
    public let status: HTTPResponse.Status
    /// What went wrong and what to do.
    public let message: String
    /// Seconds the client should wait before retrying (`Retry-After`), if any.
    public let retryAfterSeconds: Int?

    init(_ code: String, _ status: HTTPResponse.Status, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    static func payloadTooLarge(limit: Int) -> Self {
        Self("payload_too_large", .contentTooLarge, "the request body exceeds the \(limit)-byte limit")
    }
    static func malformed(_ why: String) -> Self { Self("malformed", .badRequest, "the body is not valid JSON: \(why)") }
    static func invalidEnvelope(_ why: String) -> Self { Self("invalid_envelope", .badRequest, why) }
    static func unsupportedVersion(_ v: String) -> Self {
        Self("unsupported_version", .badRequest, "version \"\(v)\" is not supported; this gateway speaks mcp/0.1")
    }
    static func wrongServer(_ got: String, expected: String) -> Self {
        Self("wrong_server", .badRequest, "server_id \"\(got)\" is not this deployment (\"\(expected)\")")
    }
    static func unknownClient(_ client: String) -> Self {
        Self("unknown_client", .unauthorized, "client_id \"\(client)\" is not in the key ring")
    }
    static let badSignature = Self(
        "bad_signature", .unauthorized,
        "the signature does not match: sign the canonical JSON of the envelope without \"signature\" with HMAC-SHA256 and send 64 lower-case hex digits")
    static func stale(skewSeconds: Int64, offsetMs: Int64?) -> Self {
        let detail = offsetMs.map { "it is \($0 / 1000) s off the gateway's clock" } ?? "it is not a usable Unix time in ms"
        return Self("stale_request", .unauthorized, "ts_ms is outside the ±\(skewSeconds) s window: \(detail)")
    }
    static func unknownTool(_ tool: String) -> Self { Self("unknown_tool", .notFound, "no tool named \"\(tool)\" (GET /v1/tools lists them)") }
    static func forbiddenTool(_ tool: String, client: String) -> Self {
        Self("forbidden_tool", .forbidden, "client \"\(client)\" may not call \"\(tool)\"")
    }
    static func invalidArgs(_ why: String) -> Self { Self("invalid_args", .init(code: 422, reasonPhrase: "Unprocessable Content"), why) }
    static let replayed = Self("replayed", .conflict, "this nonce was already used: sign every request with a fresh nonce")
    static func unknownJob(_ what: String) -> Self { Self("unknown_job", .notFound, "no job \(what) for this client") }
    static func unavailable(_ why: String) -> Self {
        Self("unavailable", .serviceUnavailable, "the job store is unreachable (\(why)); retry shortly", retryAfterSeconds: 1)
    }
    static func overloaded(backlog: Int, limit: Int) -> Self {
        Self("overloaded", .tooManyRequests, "the job backlog (\(backlog)) is over its limit (\(limit)); retry after a moment", retryAfterSeconds: 1)
    }
    static func rateLimited(client: String, ratePerSecond: Double, retryAfterSeconds: Int) -> Self {
        Self(
            "rate_limited", .tooManyRequests,
            "client \"\(client)\" is over its limit of \(Int(ratePerSecond)) requests/s on this gateway; retry after \(retryAfterSeconds) s",
            retryAfterSeconds: retryAfterSeconds)
    }
    static func internalError(_ why: String) -> Self { Self("internal", .internalServerError, why) }
}
