/// The `status` of an mcp/0.1 response.
public enum ResponseStatus: String, Sendable, CaseIterable {
    /// A synchronous result is in `result`.
    case ok
    /// The job was queued; `result` carries its `job_id`.
    case accepted
    /// The job is running (answer to a poll).
    case running
    /// The job finished (answer to a poll).
    case done
    /// The request failed; `error` says why, starting with a code.
    case error
}
