import RedisClient

/// A job entry a worker read from the stream.
public struct DeliveredJob: Sendable, Equatable {
    /// The stream entry id (what gets acknowledged).
    public let entryID: String
    /// The job id (its hash holds the status).
    public let jobID: String
    /// The verified envelope JSON.
    public let envelopeJSON: String
    /// The publish attempt (1 for the first publish, higher after a retry).
    public let attempt: Int
    /// The gateway waiting for the result, if any.
    public let replyTo: String?
    /// How many times the stream has delivered this entry (1 for a first read).
    public let deliveries: Int

    /// Decodes a stream entry; `nil` if it lacks a job id (not ours).
    init?(_ entry: StreamEntry, deliveries: Int = 1) {
        guard let jobID = entry["job_id"] else { return nil }
        entryID = entry.id
        self.jobID = jobID
        envelopeJSON = entry["envelope"] ?? ""
        attempt = entry["attempt"].flatMap { Int($0) } ?? 1
        replyTo = entry["reply_to"].flatMap { $0.isEmpty ? nil : $0 }
        self.deliveries = deliveries
    }
}

/// What a worker may do with a delivered job after trying to claim it.
public enum ClaimOutcome: Sendable, Equatable {
    /// The job is now running on this worker; `attempts` counts this run.
    case run(attempts: Int)
    /// The job was already in this status (a duplicate delivery or a cancelled job): skip it.
    case skip(JobStatus)
    /// The job hash no longer exists: skip it.
    case missing
    /// The job has used all its attempts: dead-letter it instead of running it.
    case exhausted(attempts: Int)
}

/// A finished job for ``Broker/complete(_:worker:)``.
public struct JobCompletion: Sendable {
    /// The job.
    public let job: DeliveredJob
    /// `done`, `error` or `cancelled`.
    public let status: JobStatus
    /// The result JSON text when done.
    public let resultJSON: String
    /// Why it did not succeed, when not done.
    public let error: JobError?

    /// Creates a completion.
    public init(job: DeliveredJob, status: JobStatus, resultJSON: String = "", error: JobError? = nil) {
        self.job = job
        self.status = status
        self.resultJSON = resultJSON
        self.error = error
    }
}
