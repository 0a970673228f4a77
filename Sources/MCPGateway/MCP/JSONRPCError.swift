import HTTPTypes
import MCPBroker
import MCPWire

/// A JSON-RPC error for `/mcp`: the standard numeric code, a message naming
/// the problem, our stable `data.code` (typed, ``Code``), the HTTP status it
/// travels with, and the cause behind it for logs.
struct JSONRPCError: Error, Sendable {
    /// Our stable code, sent as `data.code`: what a client branches on.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        /// A code defined elsewhere: a tool's own (`TOOL_TIMEOUT`, …) or an HTTP signature check's (`bad_signature`, …).
        init(raw: String) { self.raw = raw }
        private init(_ raw: String) { self.raw = raw }

        /// -32700: the body is not JSON.
        static let parseError = Code("parse_error")
        /// -32600: not a JSON-RPC 2.0 request (or a batch).
        static let invalidRequest = Code("invalid_request")
        /// -32600: the body exceeds the body limit.
        static let payloadTooLarge = Code("payload_too_large")
        /// -32601: no such method (or a task-augmented call of a tool that forbids it).
        static let methodNotFound = Code("method_not_found")
        /// -32602: the params do not fit the method.
        static let invalidParams = Code("invalid_params")
        /// -32602: no tool of that name.
        static let unknownTool = Code("unknown_tool")
        /// -32602: the client may not call this tool.
        static let forbiddenTool = Code("forbidden_tool")
        /// -32602: no such task for this client.
        static let unknownTask = Code("unknown_task")
        /// -32603: `tasks/result` waited its whole budget and the task still runs.
        static let stillRunning = Code("still_running")
        /// -32602: `tasks/cancel` of a task that already ended.
        static let taskFinished = Code("task_finished")
        /// -32603: a bug; the message says what.
        static let `internal` = Code("internal")
        /// -32603 with 503: the job store is unreachable.
        static let unavailable = Code("unavailable")
        /// A poison value in Redis (``GatewayFailure/Code/storeCorrupt``).
        static let storeCorrupt = Code("store_corrupt")
        /// -32603 with 429: the backlog or the verification budget is full.
        static let overloaded = Code("overloaded")
        /// -32029 with 429: the client is over its request rate.
        static let rateLimited = Code("rate_limited")
        /// -32020: a routing header disagrees with the body.
        static let headerMismatch = Code("header_mismatch")
        /// -32022: a protocol version this server does not speak.
        static let unsupportedVersion = Code("unsupported_version")
        /// -32001: the signature nonce was used before.
        static let replayed = Code("replayed")

        /// The code as sent, e.g. `rate_limited`.
        var description: String { raw }
    }

    /// The JSON-RPC `code` number.
    let rpcCode: Int
    /// Our stable code, sent as `data.code`.
    let code: Code
    let message: String
    /// Members of `data` besides `code`.
    let details: JSONObject
    let httpStatus: HTTPResponse.Status
    /// `Retry-After` seconds, when the error says when to come back (else 1 s for 429 and 503).
    let retryAfterSeconds: Int?
    /// What caused it (a Redis error behind `unavailable`), for logs; never sent.
    let underlying: (any Error & Sendable)?
    /// The bearer refusal behind it, for the `WWW-Authenticate` challenge.
    let bearer: BearerError?

    init(
        _ rpcCode: Int, _ code: Code, _ message: String, details: JSONObject = [:], httpStatus: HTTPResponse.Status = .ok,
        retryAfterSeconds: Int? = nil, underlying: (any Error & Sendable)? = nil, bearer: BearerError? = nil
    ) {
        self.bearer = bearer
        self.rpcCode = rpcCode
        self.code = code
        self.message = message
        self.details = details
        self.httpStatus = httpStatus
        self.retryAfterSeconds = retryAfterSeconds
        self.underlying = underlying
    }

    /// The `error` member.
    func json() -> JSONObject {
        var data = details
        data["code"] = .string(code.raw)
        return ["code": .integer(JSONInteger(Int64(rpcCode))), "message": .string(message), "data": .object(data)]
    }

    static func parse(_ why: String) -> Self { Self(-32700, .parseError, "Parse error: \(why)", httpStatus: .badRequest) }
    static func invalidRequest(_ why: String) -> Self { Self(-32600, .invalidRequest, "Invalid Request: \(why)", httpStatus: .badRequest) }
    static func payloadTooLarge(limit: Int) -> Self {
        Self(-32600, .payloadTooLarge, "Invalid Request: the body exceeds the \(limit)-byte limit", httpStatus: .contentTooLarge)
    }
    static func methodNotFound(_ method: String) -> Self { Self(-32601, .methodNotFound, "Method not found: \(method)") }
    static func invalidParams(_ why: String, code: Code = .invalidParams) -> Self { Self(-32602, code, "Invalid params: \(why)") }
    static func unknownTask(_ id: String) -> Self {
        // The id is the caller's: a long one is not echoed whole.
        let shown = id.utf8.count > 80 ? "\(id.prefix(64))… (\(id.utf8.count) bytes)" : id
        return Self(-32602, .unknownTask, "Invalid params: no task \"\(shown)\" for this client")
    }
    static func internalError(_ why: String, code: Code = .internal, underlying: (any Error & Sendable)? = nil) -> Self {
        Self(-32603, code, "Internal error: \(why)", underlying: underlying)
    }
    /// Redis records another partition count (``BacklogMonitor/partitionMismatch``): new jobs wait for an operator.
    static func partitionMismatch(_ error: BrokerError) -> Self {
        Self(
            -32603, Code(raw: "partition_mismatch"), "partition_mismatch: new jobs are refused until an operator restores the partition count: \(error.message)",
            httpStatus: .serviceUnavailable, retryAfterSeconds: 5, underlying: error)
    }
    static func storeCorrupt(_ why: String, underlying: (any Error & Sendable)? = nil) -> Self {
        Self(-32603, .storeCorrupt, "store_corrupt: \(GatewayFailure.storeCorruptAdvice) (\(why))", underlying: underlying)
    }
    static func unavailable(_ why: String, underlying: (any Error & Sendable)? = nil) -> Self {
        Self(-32603, .unavailable, "unavailable: the job store is unreachable (\(why)); retry shortly", httpStatus: .serviceUnavailable, underlying: underlying)
    }
    static func overloaded(_ why: String) -> Self {
        Self(-32603, .overloaded, "overloaded: \(why)", httpStatus: .tooManyRequests)
    }
    static func headerMismatch(_ why: String) -> Self { Self(-32020, .headerMismatch, "Header mismatch: \(why)", httpStatus: .badRequest) }
    /// A client over its per-client rate (`--client-rate`, shared with `/v1` and ingress): 429 with `Retry-After`.
    static func rateLimited(client: String, ratePerSecond: Double, retryAfterSeconds: Int) -> Self {
        Self(
            -32029, .rateLimited,
            "rate_limited: client \"\(client)\" is over its \(Int(ratePerSecond)) requests/s; retry after \(retryAfterSeconds) s with a new signature",
            details: ["retry_after_seconds": .integer(JSONInteger(Int64(retryAfterSeconds)))],
            httpStatus: .tooManyRequests, retryAfterSeconds: retryAfterSeconds)
    }
    /// A request whose signature nonce was used before (a replay, or a retry that must be signed anew).
    static let replayed = unauthorized(
        code: .replayed, message: "this signature nonce was already used: sign every request with a fresh nonce")
    /// An authentication failure: 401 with our code (`missing_signature`, `bad_signature`, `stale_request`, `replayed`, …).
    static func unauthorized(code: Code, message: String, underlying: (any Error & Sendable)? = nil) -> Self {
        Self(-32001, code, "\(code): \(message)", httpStatus: .unauthorized, underlying: underlying)
    }
    /// A refused bearer credential: 401 with its code (`unknown_api_key`, `token_expired`, …),
    /// 403 for `insufficient_scope`, 503 with `Retry-After` when the issuer's keys cannot be loaded.
    static func bearer(_ error: BearerError) -> Self {
        switch error.code {
        case .insufficientScope:
            return Self(-32001, Code(raw: error.code.rawValue), "\(error.code.rawValue): \(error.message)", httpStatus: .forbidden, bearer: error)
        case .keysUnavailable:
            return Self(
                -32603, .unavailable, "unavailable: \(error.message)", httpStatus: .serviceUnavailable, retryAfterSeconds: 5, underlying: error)
        default:
            return Self(-32001, Code(raw: error.code.rawValue), "\(error.code.rawValue): \(error.message)", httpStatus: .unauthorized, underlying: error, bearer: error)
        }
    }
    static func unsupportedVersion(_ requested: String) -> Self {
        Self(
            -32022, .unsupportedVersion, "Unsupported protocol version \"\(requested)\"",
            details: [
                "supported": .array(MCPProtocol.allCases.map { .string($0.rawValue) } + MCPProtocol.handshakeVersions.dropFirst().map { .string($0) }),
                "requested": .string(requested),
            ],
            httpStatus: .badRequest)
    }
}
