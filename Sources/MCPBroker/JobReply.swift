import MCPWire

/// A completion a worker sent to the gateway waiting on a sync job.
public struct JobReply: Sendable, Equatable {
    /// The job.
    public let jobID: String
    /// How it ended.
    public let status: JobStatus
    /// The result object when done.
    public let result: JSONObject?
    /// Why it did not succeed.
    public let error: JobError?
}
