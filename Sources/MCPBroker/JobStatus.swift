/// The status of a job as stored in its hash (DESIGN §4).
public enum JobStatus: String, Sendable, CaseIterable {
    /// Accepted and waiting for a worker.
    case queued
    /// A worker is running it.
    case running
    /// Finished with a result.
    case done
    /// Finished with an error.
    case error
    /// Cancelled by its client before it finished.
    case cancelled

    /// Whether the job will not change any more.
    public var isFinal: Bool {
        switch self {
        case .queued, .running: return false
        case .done, .error, .cancelled: return true
        }
    }
}
