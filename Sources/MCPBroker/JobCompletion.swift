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

    /// The envelope's request id (`""` when it did not decode): a producer's
    /// results stream keys its answers by it.
    public let requestID: String
    /// The signing client (`""` when the envelope did not decode).
    public let clientID: String
    /// When the run ended (Unix ms): the job's `finished_ms`, and how a completion sent again
    /// after its reply was lost is known for the same one (it counts and notifies nothing twice).
    public let finishedMs: Int64

    /// Creates a completion.
    public init(
        job: DeliveredJob, status: JobStatus, resultJSON: String = "", error: JobError? = nil, requestID: String = "", clientID: String = "",
        finishedMs: Int64 = UnixTime.nowMillis()
    ) {
        self.finishedMs = finishedMs
        self.job = job
        self.status = status
        self.resultJSON = resultJSON
        self.error = error
        self.requestID = requestID
        self.clientID = clientID
    }
}
