/// How a job a worker runs was claimed.
enum JobClaim: Sendable, Equatable {
    /// Claimed before it ran (compare-and-set `queued` → `running`): its completion is ``MCPBroker/Broker/complete(_:worker:)``.
    case claimed
    /// Run unclaimed (an inline tool on a first delivery): its completion claims it
    /// too (``MCPBroker/Broker/settle(_:worker:maxAttempts:startedMs:)``), and a
    /// retryable failure claims it before scheduling the retry.
    case atCompletion(maxAttempts: Int)
}
