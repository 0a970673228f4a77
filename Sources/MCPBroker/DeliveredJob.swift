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
    /// Who hears the first completion in the worker's own round trip: the id of the gateway
    /// waiting for the result, or `@<name>` for a producer's results stream (``ResultsStream``); `nil` for none.
    public let replyTo: String?
    /// How many times the stream has delivered this entry (1 for a first read).
    public let deliveries: Int
    /// The partition whose stream delivered it: its hash, acknowledgement and
    /// retries live there (DESIGN §10), whatever its id claims.
    public let partition: Int

    /// Decodes a stream entry of partition `partition`'s stream; `nil` if it lacks a job id (not ours).
    init?(_ entry: StreamEntry, partition: Int = 0, deliveries: Int = 1) {
        guard let jobID = entry["job_id"] else { return nil }
        self.partition = partition
        entryID = entry.id
        self.jobID = jobID
        envelopeJSON = entry["envelope"] ?? ""
        attempt = entry["attempt"].flatMap { Int($0) } ?? 1
        replyTo = entry["reply_to"].flatMap { $0.isEmpty ? nil : $0 }
        self.deliveries = deliveries
    }
}

extension Array where Element == DeliveredJob {
    /// The jobs grouped by the partition that delivered them, partitions in ascending order
    /// (one call per partition: a function's keys must share the partition's hash tag).
    func byPartition() -> [(partition: Int, jobs: [DeliveredJob])] {
        Dictionary(grouping: self, by: \.partition).sorted { $0.key < $1.key }.map { (partition: $0.key, jobs: $0.value) }
    }
}
