/// What handing a job on did: scheduling its retry, or dead-lettering it.
/// Decoded from the function's reply, so callers switch on cases instead of
/// comparing the strings Redis returns.
public enum HandOffOutcome: Sendable, Equatable {
    /// The retry is scheduled, or the dead letter written.
    case done
    /// Another worker runs the job now (it took the entry over): nothing was changed.
    case ownedByAnotherWorker
    /// The job was already in this status (it ended, or is queued again): nothing was changed.
    case skipped(JobStatus)
    /// The job hash no longer exists (it expired): the delivery was acknowledged.
    case missing

    /// Decodes a function's reply: `doneWord` (`retrying`, `dead`), `running`, another status, or `missing`.
    init(reply text: String?, doneWord: String) {
        switch text {
        case doneWord?: self = .done
        case "running"?: self = .ownedByAnotherWorker
        case let other?: self = JobStatus(rawValue: other).map { .skipped($0) } ?? .missing
        case nil: self = .missing
        }
    }
}
