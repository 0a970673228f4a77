import RedisClient

/// One reading of a deployment's queues, taken straight from Redis in two
/// round trips (`mcpctl stats`). Counts Redis cannot give are `nil`.
public struct QueueStats: Sendable {
    /// When the reading was taken (Unix ms, this machine's clock).
    public let takenMs: Int64
    /// Entries in the job stream now (finished ones are trimmed away over time).
    public let streamLength: Int
    /// Entries ever added to the job stream (jobs published, retries and
    /// redrives included): the `workers` group's `entries-read` + `lag`, which
    /// Redis computes from the stream's `entries-added`; `nil` while Redis
    /// cannot tell (no group yet, or nothing read since the group was created).
    public let entriesAdded: Int64?
    /// Jobs no worker has read yet (`lag` of the `workers` group).
    public let lag: Int?
    /// Jobs delivered to a worker and not acknowledged (running, or held by a dead worker).
    public let pending: Int
    /// Entries the `workers` group has read since it was created (`entries-read`).
    public let entriesRead: Int64?
    /// The consumers of the `workers` group: pending entries and idle time of each.
    public let consumers: [StreamConsumerInfo]
    /// Workers whose heartbeat is current, with what they report.
    public let workers: [LiveWorker]
    /// Entries in the dead-letter stream.
    public let deadLetters: Int
    /// Retries waiting for their backoff.
    public let retriesWaiting: Int
    /// Entries in the ingress stream.
    public let ingressLength: Int
    /// Ingress envelopes no gateway has read yet; `nil` before any gateway created the group.
    public let ingressLag: Int?
    /// Ingress envelopes a gateway read and has not settled.
    public let ingressPending: Int
    /// Entries in the ingress reject stream.
    public let ingressRejected: Int
    /// Keys Redis would not read for this reading, each with its refusal (a key of another type
    /// where a stream or set belongs): their counters read as 0, the rest of the reading stands.
    public let unreadable: [String]

    /// Jobs waiting or running: what backpressure limits (`lag + pending`, at most `Int.max`
    /// however large the counts Redis reports).
    public var backlog: Int {
        let sum = (lag ?? 0).addingReportingOverflow(pending)
        return sum.overflow ? Int.max : sum.partialValue
    }

    /// Creates a reading.
    public init(
        takenMs: Int64, streamLength: Int, entriesAdded: Int64?, lag: Int?, pending: Int, entriesRead: Int64?,
        consumers: [StreamConsumerInfo], workers: [LiveWorker], deadLetters: Int, retriesWaiting: Int,
        ingressLength: Int, ingressLag: Int?, ingressPending: Int, ingressRejected: Int, unreadable: [String] = []
    ) {
        self.takenMs = takenMs
        self.streamLength = streamLength
        self.entriesAdded = entriesAdded
        self.lag = lag
        self.pending = pending
        self.entriesRead = entriesRead
        self.consumers = consumers
        self.workers = workers
        self.deadLetters = deadLetters
        self.retriesWaiting = retriesWaiting
        self.ingressLength = ingressLength
        self.ingressLag = ingressLag
        self.ingressPending = ingressPending
        self.ingressRejected = ingressRejected
        self.unreadable = unreadable
    }
}
