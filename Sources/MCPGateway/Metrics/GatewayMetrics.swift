import Metrics
import MCPWire

/// The gateway's metrics, through swift-metrics (the executable picks the
/// backend; `/metrics` exposes it in the Prometheus text format):
///
/// - `mcp_requests_total{code}`: every answered request, by outcome — the
///   response status (`ok`, `accepted`, `done`, `running`, `error`) when the
///   response is `ok: true`, else the error code (`bad_signature`,
///   `invalid_args`, `overloaded`, `unavailable`, …), or `job_error` for a
///   sync call whose job ended `error` or `cancelled`.
/// - `mcp_verification_failures_total{reason}`: refusals of DESIGN §3's checks.
/// - `mcp_request_duration_seconds`: time from body received to answer built.
/// - `mcp_backlog`: undelivered plus unacknowledged jobs at the last check.
struct GatewayMetrics: Sendable {
    /// The refusals that count as verification failures (the client sent something wrong).
    static let verificationCodes: Set<String> = [
        "payload_too_large", "malformed", "invalid_envelope", "unsupported_version", "wrong_server",
        "unknown_client", "bad_signature", "stale_request", "unknown_tool", "forbidden_tool",
        "invalid_args", "replayed", "request_id_reused",
    ]

    private let duration = Timer(label: "mcp_request_duration_seconds")

    /// Counts one answer and its latency.
    func answered(_ answer: GatewayAnswer, after elapsed: Duration) {
        Counter(label: "mcp_requests_total", dimensions: [("code", Self.code(of: answer.response))]).increment()
        duration.record(duration: elapsed)
    }

    /// Counts a refusal as a verification failure when it is one.
    func refused(_ failure: GatewayFailure) {
        guard Self.verificationCodes.contains(failure.code.description) else { return }
        Counter(label: "mcp_verification_failures_total", dimensions: [("reason", failure.code.description)]).increment()
    }

    /// The outcome label of a response: its status, or its error code when it is not ok.
    /// A failed sync job's own code (chosen by its tool) is folded into `job_error`,
    /// so tools cannot add label values.
    static func code(of response: Response) -> String {
        guard !response.ok else { return response.status.rawValue }
        if response.result?["job_id"] != nil { return "job_error" }
        return response.result?["code"]?.stringValue ?? response.status.rawValue
    }
}
