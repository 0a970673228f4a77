/// The Redis key names of DESIGN §4, in one place. Keys one Lua script touches
/// share the hash tag `{0}` so the layout already works on Redis Cluster.
public struct BrokerKeys: Sendable, Equatable {
    /// The configured prefix, e.g. `mcp`.
    public let prefix: String
    /// The consumer group workers read the job stream with.
    public let workerGroup = "workers"
    /// The consumer group gateways read the ingress stream with.
    public let ingressGroup = "gateways"

    /// Creates the key names for a prefix.
    public init(prefix: String) {
        self.prefix = prefix
    }

    private var shard: String { "\(prefix):{0}" }

    /// The job stream: one entry per job (`job_id`, `envelope`, `attempt`, optional `reply_to`).
    public var stream: String { "\(shard):stream" }
    /// The dead-letter stream.
    public var dead: String { "\(shard):dead" }
    /// Retries waiting for their backoff (sorted set, score = due time in ms).
    public var delayed: String { "\(shard):delayed" }
    /// The status hash of one job.
    public func job(_ jobID: String) -> String { "\(shard):job:\(jobID)" }
    /// The replay guard of one nonce.
    public func nonce(client: String, nonce: String) -> String { "\(shard):nonce:\(client):\(nonce)" }
    /// The idempotency record of one request id → job id.
    public func request(client: String, requestID: String) -> String { "\(shard):req:\(client):\(requestID)" }
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
