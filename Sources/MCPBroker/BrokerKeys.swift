/// The Redis key names of DESIGN §4 and §10, in one place. Keys one Lua script
/// touches share one partition's hash tag `{p}`, so every script runs on one
/// Redis Cluster slot; with one partition every key is `…:{0}:…` as in §4.
public struct BrokerKeys: Sendable, Equatable {
    /// The configured prefix, e.g. `mcp`.
    public let prefix: String
    /// How jobs spread over partitions.
    public let partitioning: Partitioning
    /// The consumer group workers read the job stream with.
    public let workerGroup = "workers"
    /// The consumer group gateways read the ingress stream with.
    public let ingressGroup = "gateways"

    /// Creates the key names for a prefix and a partitioning (default: one partition).
    public init(prefix: String, partitioning: Partitioning = .single) {
        self.prefix = prefix
        self.partitioning = partitioning
    }

    private func shard(_ partition: Int) -> String { "\(prefix):{\(partition)}" }

    /// Partition `p`'s job stream: one entry per job (`job_id`, `envelope`, `attempt`, optional `reply_to`).
    public func stream(_ partition: Int) -> String { "\(shard(partition)):stream" }
    /// Every partition's job stream, in partition order.
    public var streams: [String] { partitioning.all.map(stream) }
    /// Partition `p`'s bell: the sharded pub/sub channel (`SPUBLISH`) that says a job was
    /// appended to its stream, so workers on a cluster need no blocking read per partition.
    public func bell(_ partition: Int) -> String { "\(shard(partition)):bell" }
    /// Partition `p`'s dead-letter stream.
    public func dead(_ partition: Int) -> String { "\(shard(partition)):dead" }
    /// Partition `p`'s retries waiting for their backoff (sorted set, score = due time in ms).
    public func delayed(_ partition: Int) -> String { "\(shard(partition)):delayed" }
    /// The status hash of one job, in the partition its id names (0 for an id that names none:
    /// callers check ids with ``Partitioning/partition(ofJob:)`` first).
    public func job(_ jobID: String) -> String { job(jobID, in: partitioning.partition(ofJob: jobID) ?? 0) }
    /// The status hash of one job in partition `p` (a job entry's hash lives in its stream's partition).
    public func job(_ jobID: String, in partition: Int) -> String { "\(shard(partition)):job:\(jobID)" }
    /// The prefix of partition `p`'s job hashes, for scripts that build job keys from ids.
    public func jobPrefix(_ partition: Int) -> String { job("", in: partition) }
    /// The replay guard of one nonce, in partition `p`.
    public func nonce(client: String, nonce: String, in partition: Int) -> String { "\(shard(partition)):nonce:\(client):\(nonce)" }
    /// The idempotency record of one request id → job id, in partition `p`.
    public func request(client: String, requestID: String, in partition: Int) -> String { "\(shard(partition)):req:\(client):\(requestID)" }
    /// The deployment's fixed settings (hash: `partitions`), checked by every process at start.
    public var config: String { "\(prefix):config" }
    /// The completions stream a gateway waits on.
    public func replies(gateway: String) -> String { "\(prefix):replies:\(gateway)" }
    /// A Redis-side producer's results stream (see ``ResultsStream``).
    public func results(_ stream: ResultsStream) -> String { "\(prefix):results:\(stream.name)" }
    /// The tool catalog hash: tool name → descriptor JSON.
    public var tools: String { "\(prefix):tools" }
    /// One worker's heartbeat hash (expires).
    public func worker(_ workerID: String) -> String { "\(prefix):workers:\(workerID)" }
    /// The shared ingress stream other services `XADD` signed envelopes to (field `envelope`).
    public var ingress: String { "\(prefix):ingress" }
    /// A producer's own ingress stream, `<prefix>:ingress:<producer>` (see ``IngressProducer``):
    /// a producer allowed only this key cannot touch what other producers queued.
    public func ingress(producer: IngressProducer) -> String { "\(prefix):ingress:\(producer.name)" }
    /// Ingress envelopes the gateways refused, with `code`, `reason`, `client_id`, `request_id`, `entry_id`.
    public var ingressRejected: String { "\(prefix):ingress:rejected" }
    /// Sorted set of worker ids scored by their last heartbeat (ms), so liveness needs no SCAN.
    public var workerIndex: String { "\(prefix):workers" }
}
