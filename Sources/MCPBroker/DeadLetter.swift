import RedisClient

/// One entry of the dead-letter stream.
public struct DeadLetter: Sendable, Equatable {
    /// What `redrive` takes: the dead stream's entry id, prefixed `<p>/` with several partitions.
    public let id: String
    /// The job.
    public let jobID: String
    /// The tool it called.
    public let tool: String
    /// The client that created it.
    public let clientID: String
    /// The last error (`code: message`).
    public let error: String
    /// The code of the last error (`dead_letter` for a job out of attempts).
    public let errorCode: String
    /// Attempts started.
    public let attempts: Int
    /// Times the stream delivered it.
    public let deliveries: Int
    /// When it was dead-lettered (Unix ms).
    public let deadMs: Int64
    /// The verified envelope.
    public let envelopeJSON: String

    /// Decodes an entry of partition `partition`'s dead stream (`nil`: the only partition, ids unprefixed).
    init(_ entry: StreamEntry, partition: Int? = nil) {
        id = partition.map { "\($0)/\(entry.id)" } ?? entry.id
        jobID = entry["job_id"] ?? ""
        tool = entry["tool"] ?? ""
        clientID = entry["client_id"] ?? ""
        error = entry["error"] ?? ""
        errorCode = JobError(storedCode: entry["error_code"], text: entry["error"])?.code ?? ""
        attempts = Int(entry["attempts"] ?? "") ?? 0
        deliveries = Int(entry["deliveries"] ?? "") ?? 0
        deadMs = Int64(entry["dead_ms"] ?? "") ?? 0
        envelopeJSON = entry["envelope"] ?? ""
    }
}
