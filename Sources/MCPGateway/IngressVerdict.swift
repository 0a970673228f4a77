import MCPBroker

/// What the ingress consumer does with one entry after handling it.
enum IngressVerdict: Sendable {
    /// Handled (accepted, or already accepted): acknowledge it.
    case acknowledge(String)
    /// Refused: record it on the reject stream, then acknowledge it.
    case reject(IngressRejection)
    /// Not handled (Redis unreachable, backlog full): leave it pending and try again.
    case retry
}
