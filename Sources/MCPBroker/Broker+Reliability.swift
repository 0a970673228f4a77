import Logging
import MCPTools
import RedisClient

extension Broker {
    /// Entries of other workers idle longer than `lease` (their worker died or
    /// hung), claimed for `worker`, with their delivery counts. XCLAIM's own
    /// min-idle check makes two reclaimers race safely: only one gets each entry.
    public func reclaimStale(worker: String, lease: Duration, count: Int) async throws(BrokerError) -> [DeliveredJob] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            guard count > 0 else { return [] }
            let stale = try await redis.xpending(keys.stream, group: keys.workerGroup, minIdle: lease, count: count)
                .filter { $0.consumer != worker }
            guard !stale.isEmpty else { return [] }
            let reply = try await redis.send(.xclaim(keys.stream, group: keys.workerGroup, consumer: worker, minIdle: lease, ids: stale.map(\.id)))
            // XPENDING's delivery count is any Int64 a writer set (XCLAIM RETRYCOUNT): saturate, never overflow.
            let deliveries = Dictionary(
                stale.map { ($0.id, Int(clamping: $0.deliveries == .max ? .max : $0.deliveries + 1)) }, uniquingKeysWith: { first, _ in first })
            let entries = try StreamEntry.decodeList(reply)
            var jobs = [DeliveredJob]()
            var foreign = [String]()
            for entry in entries {
                if let job = DeliveredJob(entry, deliveries: deliveries[entry.id] ?? 1) { jobs.append(job) } else { foreign.append(entry.id) }
            }
            // Entries trimmed or deleted from the stream come back without fields: nothing to run.
            if !foreign.isEmpty { try await acknowledgeAndDelete(entries: foreign) }
            if !jobs.isEmpty {
                logger.info("reclaimed jobs from an unresponsive worker", metadata: ["job.ids": "\(jobs.map(\.jobID))"])
            }
            return jobs
        }
    }

    /// Renews the leases of jobs this worker runs, in one round trip.
    public func renewLeases(_ jobs: [DeliveredJob], worker: String) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            guard !jobs.isEmpty else { return }
            try await redis.call(
                BrokerFunctions.renew, keys: [keys.stream] + jobs.map { keys.job($0.jobID) },
                arguments: [keys.workerGroup, worker] + jobs.map(\.entryID))
        }
    }

    /// Schedules a retry after `delay`; `.done` when scheduled, otherwise why nothing changed.
    @discardableResult
    public func scheduleRetry(_ job: DeliveredJob, worker: String, error: JobError, delay: Duration) async throws(BrokerError) -> HandOffOutcome {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let now = UnixTime.nowMillis()
            let reply = try await redis.call(
                BrokerFunctions.retry, keys: [keys.job(job.jobID), keys.stream, keys.delayed],
                arguments: [
                    worker, error.description, String(now), String(now + delay.wholeMilliseconds), job.entryID, keys.workerGroup, job.envelopeJSON,
                    job.jobID, error.code,
                ])
            return HandOffOutcome(reply: reply.string, doneWord: "retrying")
        }
    }

    /// Re-publishes retries whose backoff has passed; says how many, and what waits next.
    @discardableResult
    public func promoteDueRetries(limit: Int = 100) async throws(BrokerError) -> RetryPromotion {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let now = UnixTime.nowMillis()
            let reply = try await redis.call(
                BrokerFunctions.promote, keys: [keys.delayed, keys.stream],
                arguments: [String(now), String(limit), keys.job("")])
            return RetryPromotion(reply: reply, nowMs: now)
        }
    }

    /// Makes a delayed retry due now (`ZADD XX`): the repair for a retry whose
    /// score no backoff could have written (``RetryPromotion/poison``).
    public func makeRetryDue(jobID: String) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            _ = try await redis.send(RedisCommand("ZADD", [keys.delayed, "XX", String(UnixTime.nowMillis()), jobID])).orThrow()
        }
    }

    /// Moves a job to the dead-letter stream; with `expectedWorker`, only while that worker runs it.
    @discardableResult
    public func deadLetter(_ job: DeliveredJob, error: JobError, expectedWorker: String? = nil) async throws(BrokerError) -> HandOffOutcome {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let reply = try await redis.call(
                BrokerFunctions.deadLetter, keys: [keys.job(job.jobID), keys.stream, keys.dead],
                arguments: [
                    job.entryID, keys.workerGroup, error.description, String(UnixTime.nowMillis()), String(configuration.retention.wholeMilliseconds),
                    job.envelopeJSON, String(configuration.deadStreamMaxLength), job.jobID, String(job.deliveries), expectedWorker ?? "", error.code,
                ])
            let outcome = HandOffOutcome(reply: reply.string, doneWord: "dead")
            if outcome == .done { try await notifyDead(job, error: error) }
            return outcome
        }
    }

    /// Wakes whoever waits on a dead-lettered job: the gateway of a sync call
    /// (`reply_to`) and every gateway watching it through `tasks/result`. The
    /// job is final by now, so a gateway that starts watching later sees that
    /// at once: reading the watchers after the script misses nobody.
    func notifyDead(_ job: DeliveredJob, error: JobError) async throws(RedisError) {
        let about = try await redis.send(RedisCommand("HMGET", [keys.job(job.jobID), "watchers", "request_id", "client_id"])).array ?? []
        func field(_ index: Int) -> String { index < about.count ? (about[index].string ?? "") : "" }
        var watchers = field(0).split(separator: ",").map(String.init)
        if let replyTo = job.replyTo, !watchers.contains(replyTo) { watchers.append(replyTo) }
        try await notify(watchers: watchers.joined(separator: ","), JobNotice(
            jobID: job.jobID, requestID: field(1), clientID: field(2), status: JobStatus.error.rawValue, error: error))
    }

    /// Dead-lettered jobs, oldest first.
    public func deadLetters(count: Int = 100, after: String = "-") async throws(BrokerError) -> [DeadLetter] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            try await redis.xrange(keys.dead, start: after, end: "+", count: count).map(DeadLetter.init)
        }
    }

    /// Puts one dead-lettered job back on the stream; returns its job id, or `nil` if no such dead letter.
    public func redrive(deadLetterID: String) async throws(BrokerError) -> String? {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let reply = try await redis.call(
                BrokerFunctions.redrive, keys: [keys.dead, keys.stream],
                arguments: [deadLetterID, String(UnixTime.nowMillis()), keys.job("")])
            let parts = reply.array ?? []
            guard parts.first?.string == "redriven", parts.count > 1 else { return nil }
            return parts[1].string
        }
    }

    /// Trims the job stream below the oldest entry that is still pending or not yet delivered.
    /// Returns the id trimmed below, or `nil` when there was nothing to decide on.
    @discardableResult
    public func trimStream() async throws(BrokerError) -> String? {
        return try await BrokerError.mapping { () async throws(RedisError) in
            try await trim(keys.stream, group: keys.workerGroup)
        }
    }

    /// Trims `stream` below the oldest entry of `group` that is pending or not yet delivered.
    /// Ids come from Redis and any writer may choose them (up to the largest
    /// possible id), so they are decoded, never computed on as text; an id that
    /// does not decode leaves the stream untrimmed (`nil`).
    func trim(_ stream: String, group name: String) async throws(RedisError) -> String? {
        let replies = try await redis.pipeline([.xinfoGroups(stream), .xpendingSummary(stream, group: name)])
        guard let group = try StreamGroupInfo.decodeList(try replies[0].orThrow()).first(where: { $0.name == name }) else { return nil }
        let pending = try PendingSummary.decode(try replies[1].orThrow())
        guard let delivered = StreamID(group.lastDeliveredID) else {
            logger.warning("stream group has an undecodable last-delivered id; not trimming", metadata: ["stream": "\(stream)"])
            return nil
        }
        // After the largest possible id nothing can follow: keep that last entry.
        var keepFrom = delivered.successor ?? delivered
        if let text = pending.smallestID {
            guard let smallest = StreamID(text) else { return nil }
            keepFrom = min(keepFrom, smallest)
        }
        try await redis.send(RedisCommand("XTRIM", [stream, "MINID", "~", keepFrom.description]))
        return keepFrom.description
    }

    /// Entries waiting to be delivered plus delivered but unacknowledged: what backpressure limits.
    public func backlog() async throws(BrokerError) -> Int {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let groups = try await redis.xinfoGroups(keys.stream)
            guard let group = groups.first(where: { $0.name == keys.workerGroup }) else {
                return Int(try await redis.send("XLEN", keys.stream).int64 ?? 0)
            }
            let sum = (group.lag ?? 0).addingReportingOverflow(group.pending)  // counts read from Redis: no overflow trap
            return sum.overflow ? Int.max : sum.partialValue
        }
    }
}
