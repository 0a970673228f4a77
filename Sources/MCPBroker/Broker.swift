import Logging
import MCPTools
import MCPWire
import RedisClient
import Synchronization

/// The Redis contract of DESIGN §4 as typed operations. Gateway and worker
/// never build Redis commands themselves; they call this, and see its
/// failures as ``BrokerError`` (never the Redis client's types).
///
/// Hot-path cost: accepting a job is one FCALL; claiming and completing are
/// one pipelined round trip per batch of jobs.
public final class Broker: Sendable {
    /// Key names.
    public let keys: BrokerKeys
    /// Retention, TTLs and prefix.
    public let configuration: BrokerConfiguration
    /// The shared, pipelining client for non-blocking commands.
    public let redis: RedisClient
    /// With `replicated` durability, the `WAIT`s that confirm accepted jobs, one per batch,
    /// on a connection of their own (a `WAIT` blocks its connection and must not hold up
    /// polls and completions behind it); `nil` under `local`.
    let replication: ReplicationBarrier?
    let logger: Logger
    /// When reply and results streams last had their TTL set by this process.
    let expiries = ExpiryRefresh()
    /// On a cluster: watchers whose notices could not be sent (their stream's slot unserved, its
    /// node down), and until when their notices are dropped without trying (``deliverNotices(_:)``).
    let unreachableWatchers = Mutex<[String: ContinuousClock.Instant]>([:])
    /// Partitions whose stream Redis refuses, logged once a minute each while it lasts, not once per read.
    let unusablePartitions = RepeatedWarning()

    /// Creates a broker over a shared client.
    public init(redis: RedisClient, configuration: BrokerConfiguration = BrokerConfiguration(), logger: Logger = Logger(label: "mcp.broker")) {
        self.redis = redis
        self.replication = configuration.durability == .replicated
            ? ReplicationBarrier(
                redis: RedisClient(configuration: redis.configuration, logger: logger),
                timeoutMillis: configuration.replicationTimeout.wholeMilliseconds)
            : nil
        self.configuration = configuration
        self.keys = BrokerKeys(prefix: configuration.prefix, partitioning: configuration.partitioning)
        self.logger = logger
    }

    /// Checks that Redis answers.
    public func ping() async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            try await redis.send("PING")
        }
    }

    /// A new job id for a client's request, in the partition its `key` (the
    /// `request_id`) maps to (DESIGN §10).
    public func makeJobID(client: String, key: String) -> String {
        keys.partitioning.makeJobID(in: keys.partitioning.partition(client: client, key: key))
    }

    /// Atomically consumes the nonce, records the request id, writes the job
    /// hash and publishes the stream entry (DESIGN §3 steps 11–12 and publish),
    /// all in the partition the job id names (``makeJobID(client:key:)``).
    public func accept(_ submission: JobSubmission) async throws(BrokerError) -> AcceptOutcome {
        let (outcome, confirmed) = try await BrokerError.mapping { () async throws(RedisError) -> (AcceptOutcome, Bool) in
            guard let p = keys.partitioning.partition(ofJob: submission.jobID) else {
                throw RedisError(code: .unexpectedReply, message: "job id \(submission.jobID) names no partition of this deployment: make it with makeJobID")
            }
            let accept = BrokerFunctions.accept.fcall(
                keys: [
                    keys.nonce(client: submission.clientID, nonce: submission.nonce, in: p),
                    keys.request(client: submission.clientID, requestID: submission.requestID, in: p),
                    keys.job(submission.jobID, in: p),
                    keys.stream(p),
                ],
                arguments: [
                    String(configuration.nonceTTL.wholeMilliseconds),
                    submission.jobID,
                    submission.envelopeJSON,
                    submission.tool,
                    submission.clientID,
                    submission.requestID,
                    String(UnixTime.nowMillis()),
                    // A results stream is also the entry's reply_to, so the first completion tells it in the
                    // worker's own round trip; as a watcher it hears the end of a retried or dead-lettered job too.
                    submission.replyTo ?? submission.resultsTo?.watcher ?? "",
                    submission.mode,
                    submission.resultsTo?.watcher ?? "",
                    bellChannel(p),
                    submission.fingerprint,
                ])
            let (reply, confirmed) = try await acceptReply(
                accept, nonceKey: keys.nonce(client: submission.clientID, nonce: submission.nonce, in: p), partition: p)
            let parts = reply.array ?? []
            switch parts.first?.string {
            case "accepted": return (.accepted(jobID: submission.jobID), confirmed)
            case "duplicate":
                guard let existing = parts.count > 1 ? parts[1].string : nil else { break }
                return (.duplicate(jobID: existing), confirmed)
            case "replayed": return (.replayed, true)
            case "reused":
                guard let existing = parts.count > 1 ? parts[1].string : nil else { break }
                return (.reused(jobID: existing), true)
            default: break
            }
            throw RedisError(code: .unexpectedReply, message: "accept script returned \(reply.shape)")
        }
        guard confirmed else {
            throw BrokerError(
                code: .notReplicated,
                message: "no replica confirmed the job within \(configuration.replicationTimeout.wholeMilliseconds) ms (durability replicated); "
                    + "retry with the same request_id: it returns the same job")
        }
        return outcome
    }

    /// Runs the accept function; with `replicated` durability the job is then confirmed by a
    /// ``ReplicationBarrier`` round (one `WAIT` for every accept answered meanwhile), a job a
    /// replica did not confirm is `not_replicated`, and `durability: replicated` is recorded
    /// in the job hash.
    private func acceptReply(_ accept: RedisCommand, nonceKey: String, partition p: Int) async throws(RedisError) -> (RedisValue, confirmed: Bool) {
        var reply = try await redis.pipeline([accept])[0]
        if reply.isMissingFunction {
            try await redis.load(BrokerFunctions.library)
            reply = try await redis.send(accept)
        }
        reply = try reply.orThrow()
        guard let replication else { return (reply, true) }
        let parts = reply.array ?? []
        guard parts.first?.string == "accepted" || parts.first?.string == "duplicate" else { return (reply, true) }
        let jobID = parts.count > 1 ? (parts[1].string ?? "") : ""
        // The marker rewrites the nonce this accept just spent (same value, same expiry): a write every
        // gateway's ACL user may make, and one that exists whether the job is new or a duplicate.
        let marker = RedisCommand("SET", [nonceKey, "1", "PX", String(configuration.nonceTTL.wholeMilliseconds), "XX"])
        guard try await replication.confirm(partition: p, markerKey: nonceKey, marker: marker).get() else { return (reply, false) }
        if let jobPartition = keys.partitioning.partition(ofJob: jobID) {
            _ = try await redis.send(RedisCommand("HSET", [keys.job(jobID, in: jobPartition), "durability", Durability.replicated.rawValue]))
        }
        return (reply, true)
    }

    /// With `replicated` durability, confirms that a job accepted earlier (by this gateway or
    /// another) is held by a replica, and records it; a no-op under `local` or when already
    /// recorded. The round's marker writes the job's hash (`durability: local`, true until
    /// confirmed) after the job was read, so a replica that acknowledges it holds the job.
    public func confirmReplicated(_ job: JobRecord) async throws(BrokerError) {
        guard let replication, job.durability != .replicated, let p = keys.partitioning.partition(ofJob: job.id) else { return }
        let confirmed = try await BrokerError.mapping { () async throws(RedisError) -> Bool in
            let jobKey = keys.job(job.id, in: p)
            let marker = RedisCommand("HSET", [jobKey, "durability", Durability.local.rawValue])
            guard try await replication.confirm(partition: p, markerKey: jobKey, marker: marker).get() else { return false }
            _ = try await redis.send(RedisCommand("HSET", [jobKey, "durability", Durability.replicated.rawValue]))
            return true
        }
        guard confirmed else {
            throw BrokerError(
                code: .notReplicated,
                message: "no replica confirmed job \(job.id) within \(configuration.replicationTimeout.wholeMilliseconds) ms (durability replicated)")
        }
    }

    /// Consumes a nonce outside the accept script (control tools, `/mcp` calls that
    /// create no job); returns `false` when it was used before (a replay). `key`
    /// picks the partition as for the request's job (its `request_id`; the nonce
    /// when none is given), so a replay meets the original wherever it was spent.
    public func consumeNonce(
        client: String, nonce: String, partitionKey key: String? = nil, aboutJob jobID: String? = nil
    ) async throws(BrokerError) -> Bool {
        return try await BrokerError.mapping { () async throws(RedisError) in
            // A call about a job spends its nonce where the job is: the same node it reads next, so another
            // node's outage does not fail it. The id comes from the signed request, so a replay lands there too.
            let p = jobID.flatMap { keys.partitioning.partition(ofJob: $0) } ?? keys.partitioning.partition(client: client, key: key ?? nonce)
            return try await redis.set(keys.nonce(client: client, nonce: nonce, in: p), "1", onlyIfAbsent: true, expiry: configuration.nonceTTL)
        }
    }

    /// A job's status hash, or `nil` if it does not exist (or has expired).
    ///
    /// A hash that exists but holds no status this release writes is a poison value, not a missing
    /// job: it throws ``BrokerError/Code/unexpectedReply`` (answered `store_corrupt`), as a cancel of it does.
    public func job(_ jobID: String) async throws(BrokerError) -> JobRecord? {
        guard let p = keys.partitioning.partition(ofJob: jobID) else { return nil }
        let key = keys.job(jobID, in: p)
        let fields = try await BrokerError.mapping { () async throws(RedisError) in try await redis.hgetall(key) }
        if fields.isEmpty { return nil }
        guard let record = JobRecord(id: jobID, fields: fields) else {
            let defect = JobRecord.defect(of: fields) ?? "unreadable"
            throw BrokerError(code: .unexpectedReply, message: "the job hash \(key) is no job record (\(defect))")  // made from a valid id: short
        }
        return record
    }

    /// The job a client created with a request id, or `nil`.
    public func job(forRequest requestID: String, client: String) async throws(BrokerError) -> JobRecord? {
        let p = keys.partitioning.partition(client: client, key: requestID)
        let jobID = try await BrokerError.mapping { () async throws(RedisError) in try await redis.get(keys.request(client: client, requestID: requestID, in: p)) }
        guard let jobID, let record = try await job(jobID), record.clientID == client else { return nil }
        return record
    }

    /// Cancels a job on behalf of its client. The job is read first, as a poll reads it, so a
    /// hash that is no job record (``job(_:)``) is refused the same way (`store_corrupt`) whatever
    /// its status, and a missing job or another client's is `unknown` without running the function.
    public func cancel(jobID: String, client: String) async throws(BrokerError) -> CancelOutcome {
        guard let record = try await job(jobID), record.clientID == client else { return .unknown }
        return try await BrokerError.mapping { () async throws(RedisError) in
            guard let p = keys.partitioning.partition(ofJob: jobID) else { return .unknown }
            let cancelled = JobError(code: "cancelled", message: "cancelled by the client")
            let reply = try await redis.call(
                BrokerFunctions.cancel,
                keys: [keys.job(jobID, in: p), keys.delayed(p)],
                arguments: [
                    client, String(UnixTime.nowMillis()), String(configuration.retention.wholeMilliseconds), cancelled.description, jobID, cancelled.code,
                ])
            let parts = reply.array ?? []
            switch parts.first?.string {
            case "unknown": return .unknown
            case "cancelled":
                let watchers = parts.count > 1 ? (parts[1].string ?? "") : ""
                let requestID = parts.count > 2 ? (parts[2].string ?? "") : ""
                try await notify(watchers: watchers, JobNotice(
                    jobID: jobID, requestID: requestID, clientID: client, status: JobStatus.cancelled.rawValue, error: cancelled))
                return .cancelled
            case "cancelling": return .cancelling
            case "finished":
                if parts.count > 1, let text = parts[1].string, let status = JobStatus(rawValue: text) { return .alreadyFinished(status) }
            default: break
            }
            throw RedisError(code: .unexpectedReply, message: "the job hash \(keys.job(jobID, in: p)) is no job record (the cancel function answered \(reply.shape))")
        }
    }
}
