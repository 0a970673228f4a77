import MCPBroker

/// The door an envelope came in by. Both take the same verification and
/// publish path; the source only decides whether a sync tool's result is
/// waited for (an HTTP caller is waiting; an ingress producer is not).
enum EnvelopeSource: Sendable, Equatable, CustomStringConvertible {
    /// `POST /v1/envelopes`.
    case http
    /// An entry of an ingress stream (`mcp:ingress` or a producer's own); `results` is the producer's results stream its `reply_to` named.
    case ingress(results: ResultsStream?)

    var description: String {
        switch self {
        case .http: return "http"
        case .ingress: return "ingress"
        }
    }
}
