import HTTPTypes

/// Why the gateway refused a request: a stable code (the start of the
/// response's `error`), the HTTP status, and a message that tells the caller
/// what to fix (DESIGN §3).
public struct GatewayFailure: Error, Sendable, Equatable {
    /// The machine-readable code (DESIGN §3), stable across releases: the start of the
    /// response's `error` and the `reason` label of the metrics. New codes never break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        /// 413: the body is over the limit.
        public static let payloadTooLarge = Code(raw: "payload_too_large")
        /// 400: not strict JSON, or a body whose HTTP/1.1 framing is broken (a bad chunk size).
        public static let malformed = Code(raw: "malformed")
        /// 400: not an envelope (members, types, lengths).
        public static let invalidEnvelope = Code(raw: "invalid_envelope")
        /// 400: a protocol version this gateway does not speak.
        public static let unsupportedVersion = Code(raw: "unsupported_version")
        /// 400: addressed to another deployment.
        public static let wrongServer = Code(raw: "wrong_server")
        /// 401: the client is not in the key ring.
        public static let unknownClient = Code(raw: "unknown_client")
        /// 401: the signature does not match.
        public static let badSignature = Code(raw: "bad_signature")
        /// 503: `--durability replicated` and no replica confirmed the job in time (retry with the same request_id).
        public static let notReplicated = Code(raw: "not_replicated")
        /// 401: the key ring does not let this client sign (its `auth` lacks `signature`).
        public static let authMethodNotAllowed = Code(raw: "auth_method_not_allowed")
        /// 401: `ts_ms` is outside the skew window.
        public static let staleRequest = Code(raw: "stale_request")
        /// 404: no such tool.
        public static let unknownTool = Code(raw: "unknown_tool")
        /// 403: the client may not call this tool.
        public static let forbiddenTool = Code(raw: "forbidden_tool")
        /// 422: the arguments do not fit the tool's schema.
        public static let invalidArgs = Code(raw: "invalid_args")
        /// 409: the nonce was used before.
        public static let replayed = Code(raw: "replayed")
        /// 422: the request id was sent before for another call (another tool or other arguments).
        public static let requestIDReused = Code(raw: "request_id_reused")
        /// 404: no such job for this client.
        public static let unknownJob = Code(raw: "unknown_job")
        /// 503: Redis is unreachable.
        public static let unavailable = Code(raw: "unavailable")
        /// 500: Redis holds a value of the wrong type where this request needs a record (a poison
        /// value no retry mends); an operator must repair or delete the key.
        public static let storeCorrupt = Code(raw: "store_corrupt")
        /// 503: Redis records another partition count than this gateway's (a record lost and written
        /// back by a process started with another count): new jobs would land where no worker reads.
        public static let partitionMismatch = Code(raw: "partition_mismatch")
        /// 429: the backlog is over its limit.
        public static let overloaded = Code(raw: "overloaded")
        /// 429: the client is over its request rate.
        public static let rateLimited = Code(raw: "rate_limited")
        /// 500: a bug; the message says what.
        public static let `internal` = Code(raw: "internal")
        /// The code as it appears on the wire, e.g. `bad_signature`.
        public var description: String { raw }
    }

    /// The stable code.
    public let code: Code
    /// The HTTP status it is answered with.
    public let status: HTTPResponse.Status
    /// What went wrong and what to do.
    public let message: String
    /// Seconds the client should wait before retrying (`Retry-After`), if any.
    public let retryAfterSeconds: Int?
    /// The error that caused this one (a `BrokerError` behind `unavailable`), for logs; never sent to clients.
    public let underlying: (any Error & Sendable)?

    init(_ code: Code, _ status: HTTPResponse.Status, _ message: String, retryAfterSeconds: Int? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.underlying = underlying
    }

    /// Equal when code, status, message and `Retry-After` are (the cause is not compared).
    public static func == (lhs: GatewayFailure, rhs: GatewayFailure) -> Bool {
        lhs.code == rhs.code && lhs.status == rhs.status && lhs.message == rhs.message && lhs.retryAfterSeconds == rhs.retryAfterSeconds
    }

    static func payloadTooLarge(limit: Int) -> Self {
        Self(.payloadTooLarge, .contentTooLarge, "the request body exceeds the \(limit)-byte limit")
    }
    static func malformed(_ why: String) -> Self { Self(.malformed, .badRequest, "the body is not valid JSON: \(why)") }
    /// The body could not be read at all (``BodyReadFailure/malformed(_:)``): `why` says how its framing was broken.
    static func unreadableBody(_ why: String) -> Self { Self(.malformed, .badRequest, "the request body cannot be read: \(why)") }
    static func invalidEnvelope(_ why: String) -> Self { Self(.invalidEnvelope, .badRequest, why) }
    static func unsupportedVersion(_ v: String) -> Self {
        Self(.unsupportedVersion, .badRequest, "version \"\(v)\" is not supported; this gateway speaks mcp/0.1")
    }
    static func wrongServer(_ got: String, expected: String) -> Self {
        Self(.wrongServer, .badRequest, "server_id \"\(got)\" is not this deployment (\"\(expected)\")")
    }
    static func unknownClient(_ client: String) -> Self {
        Self(.unknownClient, .unauthorized, "client_id \"\(client)\" is not in the key ring")
    }
    static func signatureNotAllowed(_ client: String) -> Self {
        Self(.authMethodNotAllowed, .unauthorized, "client \"\(client)\" may not sign envelopes: its key ring auth does not list \"signature\"")
    }
    /// Whether this refusal came before the envelope's signature was checked and found good:
    /// then its `client_id` and `request_id` are claims anyone could make.
    var isBeforeSignature: Bool {
        [Code.payloadTooLarge, .malformed, .invalidEnvelope, .unsupportedVersion, .wrongServer, .unknownClient, .authMethodNotAllowed, .badSignature]
            .contains(code)
    }

    static let badSignature = Self(
        .badSignature, .unauthorized,
        "the signature does not match: sign the canonical JSON of the envelope without \"signature\" with HMAC-SHA256 and send 64 lower-case hex digits")
    static func stale(skewSeconds: Int64, offsetMs: Int64?) -> Self {
        let detail = offsetMs.map { "it is \($0 / 1000) s off the gateway's clock" } ?? "it is not a usable Unix time in ms"
        return Self(.staleRequest, .unauthorized, "ts_ms is outside the ±\(skewSeconds) s window: \(detail)")
    }
    static func unknownTool(_ tool: String) -> Self { Self(.unknownTool, .notFound, "no tool named \"\(tool)\" (GET /v1/tools lists them)") }
    static func forbiddenTool(_ tool: String, client: String) -> Self {
        Self(.forbiddenTool, .forbidden, "client \"\(client)\" may not call \"\(tool)\"")
    }
    static func invalidArgs(_ why: String) -> Self { Self(.invalidArgs, .init(code: 422, reasonPhrase: "Unprocessable Content"), why) }
    static let replayed = Self(.replayed, .conflict, "this nonce was already used: sign every request with a fresh nonce")
    /// A request id sent again for another call: a retry must repeat the call, a new call needs a new id.
    static func requestIDReused(_ requestID: String, jobID: String) -> Self {
        Self(
            .requestIDReused, .init(code: 422, reasonPhrase: "Unprocessable Content"),
            "request_id \(quoted(requestID)) was already used by this client for another call (job \(jobID), another tool or other args): "
                + "a retry must send the same tool and args; a new call needs a new request_id")
    }
    static func unknownJob(_ what: String) -> Self { Self(.unknownJob, .notFound, "no job \(what) for this client") }
    /// An id the caller sent, quoted for a message: a long one is not echoed whole.
    static func quoted(_ id: String) -> String {
        id.utf8.count > 80 ? "\"\(id.prefix(64))…\" (\(id.utf8.count) bytes)" : "\"\(id)\""
    }
    /// `--durability replicated`: no replica confirmed the job in time; the retry with the same request_id returns the same job.
    static func notReplicated(_ why: String, underlying: (any Error & Sendable)? = nil) -> Self {
        Self(.notReplicated, .serviceUnavailable, why, retryAfterSeconds: 1, underlying: underlying)
    }
    /// Redis failed the request. A timeout can come after Redis recorded the job, so the
    /// message says to retry with the same request_id (which finds that job, never a second one).
    static func unavailable(_ why: String, underlying: (any Error & Sendable)? = nil) -> Self {
        Self(
            .unavailable, .serviceUnavailable,
            "the job store is unreachable (\(why)); retry shortly with the same request_id (a job it may have recorded is then found, not run again)",
            retryAfterSeconds: 1, underlying: underlying)
    }
    /// Too many envelope bytes are being verified at once (``GatewayConfiguration/inFlightBodyLimit``).
    static func busyVerifying(inFlight: Int, limit: Int) -> Self {
        Self(
            .overloaded, .tooManyRequests,
            "\(inFlight) bytes of envelopes are being verified at once, the limit is \(limit); retry after a moment",
            retryAfterSeconds: 1)
    }

    static func overloaded(backlog: Int, limit: Int) -> Self {
        Self(.overloaded, .tooManyRequests, "the job backlog (\(backlog)) is over its limit (\(limit)); retry after a moment", retryAfterSeconds: 1)
    }
    static func rateLimited(client: String, ratePerSecond: Double, retryAfterSeconds: Int) -> Self {
        Self(
            .rateLimited, .tooManyRequests,
            "client \"\(client)\" is over its limit of \(Int(min(max(ratePerSecond, 0), 1e12))) requests/s on this gateway; retry after \(retryAfterSeconds) s",
            retryAfterSeconds: retryAfterSeconds)
    }
    static func internalError(_ why: String) -> Self { Self(.internal, .internalServerError, why) }
    static func partitionMismatch(_ why: String) -> Self {
        Self(.partitionMismatch, .serviceUnavailable, "new jobs are refused until an operator restores the partition count: \(why)", retryAfterSeconds: 5)
    }
    /// A `WRONGTYPE` refusal: retrying cannot help, so no `Retry-After`.
    static func storeCorrupt(_ why: String, underlying: (any Error & Sendable)? = nil) -> Self {
        Self(.storeCorrupt, .internalServerError, "\(storeCorruptAdvice) (\(why))", underlying: underlying)
    }
    /// What a client is told of a poison value in Redis, over every door.
    static let storeCorruptAdvice =
        "Redis holds a value of the wrong type or shape where this request needs a record; an operator must repair or delete that key (docs/operations.md, \"Poison values\")"

}
