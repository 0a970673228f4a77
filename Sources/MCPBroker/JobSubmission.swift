/// What the gateway asks the broker to accept: a verified envelope and the
/// facts the job hash and stream entry are built from.
public struct JobSubmission: Sendable {
    /// A fresh job id (``JobID/make()``).
    public let jobID: String
    /// The verified envelope as JSON text (what workers decode).
    public let envelopeJSON: String
    /// The tool to run.
    public let tool: String
    /// The tool's mode, kept in the job hash for operators.
    public let mode: String
    /// The signing client.
    public let clientID: String
    /// The client's request id (idempotency key).
    public let requestID: String
    /// The envelope's nonce (replay guard).
    public let nonce: String
    /// The gateway waiting for the result (sync tools), or `nil`.
    public let replyTo: String?
    /// The producer's results stream told however the job ends (an ingress entry's `reply_to`), or `nil`.
    public let resultsTo: ResultsStream?
    /// What the call asks (`Envelope.callFingerprint`), kept in the job hash: a later request with the
    /// same `request_id` and another fingerprint is refused as ``AcceptOutcome/reused(jobID:)``.
    /// Empty: none kept, and none checked (calls whose request id cannot come again, like `/mcp`'s).
    public let fingerprint: String

    /// Creates a submission.
    public init(
        jobID: String, envelopeJSON: String, tool: String, mode: String, clientID: String, requestID: String, nonce: String, replyTo: String?,
        resultsTo: ResultsStream? = nil, fingerprint: String = ""
    ) {
        self.jobID = jobID
        self.envelopeJSON = envelopeJSON
        self.tool = tool
        self.mode = mode
        self.clientID = clientID
        self.requestID = requestID
        self.nonce = nonce
        self.replyTo = replyTo
        self.resultsTo = resultsTo
        self.fingerprint = fingerprint
    }
}

/// The result of ``Broker/accept(_:)``.
public enum AcceptOutcome: Sendable, Equatable {
    /// A new job is queued.
    case accepted(jobID: String)
    /// The client already sent this request id: the existing job.
    case duplicate(jobID: String)
    /// The nonce was used before: nothing was written.
    case replayed
    /// The client already sent this request id for another call (another tool or other
    /// arguments): only the nonce was spent (the envelope can never run). The job is the one the request id names.
    case reused(jobID: String)
}

/// The result of ``Broker/cancel(jobID:client:)``.
public enum CancelOutcome: Sendable, Equatable {
    /// No such job for this client (unknown and foreign jobs look the same).
    case unknown
    /// The job was queued and will never run.
    case cancelled
    /// The job is running; its worker was asked to stop.
    case cancelling
    /// The job had already finished with this status.
    case alreadyFinished(JobStatus)
}
