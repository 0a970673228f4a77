import MCPWire
import RedisClient

/// How a job ended (or that its envelope was refused), as announced on a
/// gateway's reply stream or a producer's results stream.
public struct JobNotice: Sendable, Equatable {
    /// The job, or `""` for an envelope refused before it became one.
    public let jobID: String
    /// The envelope's request id (`""` when it could not be read).
    public let requestID: String
    /// The signing client (`""` when it could not be read).
    public let clientID: String
    /// `done`, `error`, `cancelled`, or ``refused`` for an ingress envelope that was not accepted.
    public let status: String
    /// The result's JSON text for `done`, else `""`.
    public let resultJSON: String
    /// Why it did not succeed, for every status but `done`.
    public let error: JobError?
    /// For ``refused``: the ingress entry refused (the id its `XADD` returned), by which a producer
    /// ties a refusal whose ids could not be trusted to its entry; `""` otherwise.
    public let entryID: String

    /// The status of an ingress envelope the gateway refused (its code is in ``error``).
    public static let refused = "refused"

    /// Creates a notice.
    public init(
        jobID: String, requestID: String, clientID: String, status: String, resultJSON: String = "", error: JobError? = nil, entryID: String = ""
    ) {
        self.entryID = entryID
        self.jobID = jobID
        self.requestID = requestID
        self.clientID = clientID
        self.status = status
        self.resultJSON = resultJSON
        self.error = error
    }

    /// The notice of a finished job's record (`nil` while it has not finished).
    public init?(record: JobRecord) {
        guard record.status.isFinal else { return nil }
        self.init(
            jobID: record.id, requestID: record.requestID, clientID: record.clientID, status: record.status.rawValue,
            resultJSON: record.status == .done ? record.result.map { CanonicalJSON.string(.object($0)) } ?? "{}" : "", error: record.status == .done ? nil : record.error)
    }

    /// The stream entry's fields: `job_id`, `request_id`, `client_id`, `status`, `result`, `error`, `error_code`,
    /// and `entry_id` for a refusal.
    var fields: [StreamField] {
        [
            StreamField(name: "job_id", value: jobID), StreamField(name: "request_id", value: requestID),
            StreamField(name: "client_id", value: clientID), StreamField(name: "status", value: status),
            StreamField(name: "result", value: resultJSON), StreamField(name: "error", value: error?.description ?? ""),
            StreamField(name: "error_code", value: error?.code ?? ""),
        ] + (entryID.isEmpty ? [] : [StreamField(name: "entry_id", value: entryID)])
    }
}
