import Logging
import MCPTools
import RedisClient

extension Broker {
    /// Entries idle longer than `lease` — another worker's (it died or hung), or
    /// this worker's own that it does not run (`running`: the entry ids of its
    /// running jobs; a claim Redis refused, a read whose reply was lost) — claimed
    /// for `worker`, with their delivery counts. XCLAIM's own min-idle check makes
    /// two reclaimers race safely: only one gets each entry.
    /// Every partition is looked at in turn until `count` jobs are found.
    public func reclaimStale(worker: String, lease: Duration, count: Int, running: Set<String> = []) async throws(BrokerError) -> [DeliveredJob] {
        guard count > 0 else { return [] }
        // Every partition's overdue entries in one pipeline (one round trip per node), then claims where there are some.
        let commands = keys.streams.map { RedisCommand.xpending($0, group: keys.workerGroup, minIdle: lease, count: count) }
        let overdue: [RedisValue]
        do throws(RedisError) {
            overdue = try await redis.pipeline(commands)
        } catch where commands.count > 1 {
            // One node or slot failed the whole pipeline: ask each partition alone, so the others are still reclaimed.
            var each: [RedisValue] = []
            for (p, command) in zip(keys.partitioning.all, commands) {
                do throws(RedisError) {
                    each.append(try await redis.send(command))
                } catch {
                    reportUnusablePartition(p, error)
                    each.append(.error("partition \(p) unreachable: \(error.message)"))
                }
            }
            overdue = each
        } catch {
            throw BrokerError(error)
        }
        var jobs = [DeliveredJob]()
        for (p, reply) in zip(keys.partitioning.all, overdue) where jobs.count < count {
            if let message = reply.errorMessage {  // one partition's stream refused: the others are still reclaimed
                if !message.hasPrefix("partition ") { reportUnusablePartition(p, RedisError(code: .server, message: message)) }
                continue
            }
            let stale = try await BrokerError.mapping { () throws(RedisError) in try PendingEntry.decodeList(try reply.orThrow()) }
                .filter { $0.consumer != worker || !running.contains($0.id) }.prefix(count - jobs.count)
            jobs += try await claimStale(Array(stale), in: p, worker: worker, lease: lease)
        }
        return jobs
    }

    private func claimStale(_ stale: [PendingEntry], in p: Int, worker: String, lease: Duration) async throws(BrokerError) -> [DeliveredJob] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            guard !stale.isEmpty else { return [] }
            let stream = keys.stream(p)
            let reply = try await redis.send(.xclaim(stream, group: keys.workerGroup, consumer: worker, minIdle: lease, ids: stale.map(\.id)))
            // XPENDING's delivery count is any Int64 a writer set (XCLAIM RETRYCOUNT): saturate, never overflow.
            let deliveries = Dictionary(
                stale.map { ($0.id, Int(clamping: $0.deliveries == .max ? .max : $0.deliveries + 1)) }, uniquingKeysWith: { first, _ in first })
            let entries = try StreamEntry.decodeList(reply)
            var jobs = [DeliveredJob]()
            var foreign = [String]()
            for entry in entries {
                if let job = DeliveredJob(entry, partition: p, deliveries: deliveries[entry.id] ?? 1) { jobs.append(job) } else { foreign.append(entry.id) }
            }
            // Entries trimmed or deleted from the stream come back without fields: nothing to run.
            if !foreign.isEmpty { try await acknowledgeAndDelete(entries: foreign, partition: p) }
            if !jobs.isEmpty {
                logger.info("reclaimed jobs from an unresponsive worker", metadata: ["job.ids": "\(jobs.map(\.jobID))"])
            }
            return jobs
        }
    }

    /// Renews the leases of jobs this worker runs, in one round trip (one call per partition they are in).
    public func renewLeases(_ jobs: [DeliveredJob], worker: String) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            guard !jobs.isEmpty else { return }
            let calls = jobs.byPartition().map { p, mine in
                (keys: [keys.stream(p)] + mine.map { keys.job($0.jobID, in: p) },
                 arguments: [keys.workerGroup, worker] + mine.map(\.entryID))
            }
            _ = try await callAll(BrokerFunctions.renew, calls: calls)
        }
    }

    /// Schedules a retry after `delay`; `.done` when scheduled, otherwise why nothing changed.
    @discardableResult
    public func scheduleRetry(_ job: DeliveredJob, worker: String, error: JobError, delay: Duration) async throws(BrokerError) -> HandOffOutcome {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let now = UnixTime.nowMillis()
            let reply = try await redis.call(
                BrokerFunctions.retry, keys: [keys.job(job.jobID, in: job.partition), keys.stream(job.partition), keys.delayed(job.partition)],
                arguments: [
                    worker, error.description, String(now), String(now + delay.wholeMilliseconds), job.entryID, keys.workerGroup, job.envelopeJSON,
                    job.jobID, error.code,
                ])
            return HandOffOutcome(reply: reply.string, doneWord: "retrying")
        }
    }

    /// Re-publishes retries whose backoff has passed; says how many, and what waits next.
    @discardableResult
    /// Every partition's delayed set is looked at, in one round trip.
    public func promoteDueRetries(limit: Int = 100) async throws(BrokerError) -> RetryPromotion {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let now = UnixTime.nowMillis()
            let replies = try await callAll(BrokerFunctions.promote, calls: keys.partitioning.all.map { p in
                (keys: [keys.delayed(p), keys.stream(p)], arguments: [String(now), String(limit), keys.jobPrefix(p), bellChannel(p)])
            })
            let passes = zip(keys.partitioning.all, replies).map { p, reply in RetryPromotion(reply: reply, nowMs: now, partition: p) }
            return passes.count == 1 ? passes[0] : RetryPromotion(combining: passes)
        }
    }

    /// Makes a delayed retry due now (`ZADD XX`): the repair for a retry whose
    /// score no backoff could have written (``RetryPromotion/poison``), in the
    /// partition whose delayed set holds it (``RetryPromotion/partition``).
    public func makeRetryDue(jobID: String, partition p: Int = 0) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            _ = try await redis.send(RedisCommand("ZADD", [keys.delayed(p), "XX", String(UnixTime.nowMillis()), jobID])).orThrow()
        }
    }

    /// Moves a job to the dead-letter stream; with `expectedWorker`, only while that worker runs it.
    @discardableResult
    public func deadLetter(_ job: DeliveredJob, error: JobError, expectedWorker: String? = nil) async throws(BrokerError) -> HandOffOutcome {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let reply = try await redis.call(
                BrokerFunctions.deadLetter, keys: [keys.job(job.jobID, in: job.partition), keys.stream(job.partition), keys.dead(job.partition)],
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
        let about = try await redis.send(RedisCommand("HMGET", [keys.job(job.jobID, in: job.partition), "watchers", "request_id", "client_id"])).array ?? []
        func field(_ index: Int) -> String { index < about.count ? (about[index].string ?? "") : "" }
        var watchers = field(0).split(separator: ",").map(String.init)
        if let replyTo = job.replyTo, !watchers.contains(replyTo) { watchers.append(replyTo) }
        try await notify(watchers: watchers.joined(separator: ","), JobNotice(
            jobID: job.jobID, requestID: field(1), clientID: field(2), status: JobStatus.error.rawValue, error: error))
    }

    /// Dead-lettered jobs, oldest first within each partition, partitions in
    /// order. `after` is a ``DeadLetter/id`` (its stream entry id, prefixed
    /// `<p>/` when there are several partitions) or `-` for the start; `(`
    /// before it makes it exclusive, as for XRANGE.
    public func deadLetters(count: Int = 100, after: String = "-") async throws(BrokerError) -> [DeadLetter] {
        try await deadLetterPage(count: count, after: after).letters
    }

    /// ``deadLetters(count:after:)`` with the dead streams Redis would not read (a key of another
    /// type) named instead of failing the whole listing: the others' letters are still listed.
    public func deadLetterPage(count: Int = 100, after: String = "-") async throws(BrokerError) -> (letters: [DeadLetter], unreadable: [String]) {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let exclusive = after.hasPrefix("(")
            let cursor = exclusive ? String(after.dropFirst()) : after
            let (first, entry) = cursor == "-" ? (0, "-") : (deadLetterLocation(cursor) ?? (keys.partitioning.count, "-"))
            var letters = [DeadLetter]()
            var unreadable = [String]()
            for p in first..<keys.partitioning.count where letters.count < count {
                let start = p == first && entry != "-" ? (exclusive ? "(" : "") + entry : "-"
                do throws(RedisError) {
                    letters += try await redis.xrange(keys.dead(p), start: start, end: "+", count: count - letters.count)
                        .map { DeadLetter($0, partition: keys.partitioning.count > 1 ? p : nil) }
                } catch where error.isWrongType {
                    unreadable.append("\(keys.dead(p)): \(error.message.prefix(120))")
                }
            }
            return (letters, unreadable)
        }
    }

    /// The partition and stream entry id a ``DeadLetter/id`` names, or `nil`.
    func deadLetterLocation(_ id: String) -> (Int, String)? {
        guard keys.partitioning.count > 1 else { return (0, id) }
        let parts = id.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let p = Int(parts[0]), keys.partitioning.all.contains(p) else { return nil }
        return (p, String(parts[1]))
    }

    /// Puts one dead-lettered job back on the stream; returns its job id, or `nil` if no such dead letter
    /// (an id that is not one). A dead letter without a job id or envelope (junk any writer can add)
    /// cannot be redriven: that throws, naming it, and changes nothing.
    public func redrive(deadLetterID: String) async throws(BrokerError) -> String? {
        guard let (p, entryID) = deadLetterLocation(deadLetterID), StreamID(entryID) != nil else { return nil }
        let parts = try await BrokerError.mapping { () async throws(RedisError) in
            let reply = try await redis.call(
                BrokerFunctions.redrive, keys: [keys.dead(p), keys.stream(p)],
                arguments: [entryID, String(UnixTime.nowMillis()), keys.jobPrefix(p), bellChannel(p)])
            return reply.array ?? []
        }
        if parts.first?.string == "unusable" {
            throw BrokerError(
                code: .unexpectedReply,
                message: "dead letter \(deadLetterID) has no job_id or envelope, so it cannot be redriven: read it with XRANGE \(keys.dead(p)) \(entryID) \(entryID), then XDEL it")
        }
        guard parts.first?.string == "redriven", parts.count > 1 else { return nil }
        return parts[1].string
    }

    /// Keeps each partition's job stream to the jobs that have not ended: entries the `workers`
    /// group skipped (below its oldest pending and oldest undelivered entry, yet still there) are
    /// appended again so their jobs run (``BrokerScripts/requeue``), then the stream is trimmed
    /// below that point. A finished job's entry is deleted with its acknowledgement, so in a
    /// healthy stream there is nothing below it: one `XRANGE` that finds nothing, and a trim that
    /// removes nothing. Returns partition 0's point, or `nil` when there was nothing to decide on.
    @discardableResult
    public func trimStream() async throws(BrokerError) -> String? {
        return try await BrokerError.mapping { () async throws(RedisError) in
            var first: String?
            for p in keys.partitioning.all {
                let trimmed = try await trim(keys.stream(p), group: keys.workerGroup, requeueingSkipped: (bell: bellChannel(p), partition: p))
                if p == 0 { first = trimmed }
            }
            return first
        }
    }

    /// Most skipped entries one trim of one partition appends again (in calls of ``requeueBatch``);
    /// the rest follow at the next trims, and the stream is not trimmed while any are left.
    static let requeueLimit = 10_000
    /// Skipped entries one `requeue` call handles.
    static let requeueBatch = 500

    /// Appends again the entries below `keepFrom` (skipped by the group): returns whether none is left
    /// (then the stream may be trimmed there).
    private func requeueSkipped(_ stream: String, group: String, below keepFrom: StreamID, bell: String, partition p: Int) async throws(RedisError) -> Bool {
        var appended = 0
        var deleted = 0
        var handled = 0
        var drained = false
        while handled < Self.requeueLimit {
            let ids = try await redis.xrange(stream, start: "-", end: "(" + keepFrom.description, count: Self.requeueBatch).map(\.id)
            if ids.isEmpty {
                drained = true
                break
            }
            let reply = try await redis.call(BrokerFunctions.requeue, keys: [stream], arguments: [group, bell] + ids).orThrow()
            let counts: [Int] = (reply.array ?? []).map { (value: RedisValue) -> Int in Int(clamping: value.int64 ?? 0) }
            guard counts.count == 2 else { throw RedisError(code: .unexpectedReply, message: "requeue returned \(reply.shape)") }
            if counts[0] < 0 {
                logger.error(
                    "the workers group's cursor is past the end of the job stream: no job there can be delivered; move it back (docs/operations.md)",
                    metadata: ["stream": "\(stream)", "partition": "\(p)", "fix": "XGROUP SETID \(stream) \(group) $"])
                return false
            }
            appended += min(counts[0], ids.count)
            deleted += min(counts[1], ids.count)
            let done = min(counts[0], ids.count) + min(counts[1], ids.count)
            handled += ids.count
            if done < ids.count { break }  // some were not below the cursor after all (it moved back): leave them, trim nothing
        }
        if appended > 0 || deleted > 0 {
            // Rare (an administrator's command) and at most once per partition and trim: each time, as a warning.
            logger.warning(
                "job stream entries the workers group had skipped were appended again, so their jobs run (its cursor was moved past them: XGROUP SETID forward, or the group made anew at $; docs/operations.md)",
                metadata: ["stream": "\(stream)", "partition": "\(p)", "entries.appended": "\(appended)", "entries.deleted": "\(deleted)"])
        }
        return drained
    }

    /// Trims `stream` below the oldest entry of `group` that is pending or not yet delivered
    /// (for a job stream, after appending again what the group skipped, `requeueingSkipped`).
    /// Ids come from Redis and any writer may choose them (up to the largest
    /// possible id), so they are decoded, never computed on as text; an id that
    /// does not decode leaves the stream untrimmed (`nil`).
    func trim(_ stream: String, group name: String, requeueingSkipped job: (bell: String, partition: Int)? = nil) async throws(RedisError) -> String? {
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
        // Redis's default bound on one approximate trim is 10 000 entries, below what one trim
        // interval can add under load (the stream would grow without end): a million per call keeps
        // up with 100 000 entries a second at one trim per 10 s, and still bounds one call's work.
        if let job {
            guard try await requeueSkipped(stream, group: name, below: keepFrom, bell: job.bell, partition: job.partition) else { return keepFrom.description }
        }
        try await redis.send(RedisCommand("XTRIM", [stream, "MINID", "~", keepFrom.description, "LIMIT", String(Self.trimLimit)]))
        return keepFrom.description
    }

    /// Most entries one trim of a stream removes.
    static let trimLimit = 1_000_000

    /// Entries waiting to be delivered plus delivered but unacknowledged: what backpressure limits.
    /// Summed over partitions, read in one round trip.
    public func backlog() async throws(BrokerError) -> Int {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let replies = try await redis.pipeline(keys.streams.map { .xinfoGroups($0) })
            var total = 0
            for (stream, reply) in zip(keys.streams, replies) {
                let part: Int
                if reply.errorMessage == nil, let group = try StreamGroupInfo.decodeList(reply).first(where: { $0.name == keys.workerGroup }) {
                    let sum = (group.lag ?? 0).addingReportingOverflow(group.pending)  // counts read from Redis: no overflow trap
                    part = sum.overflow ? Int.max : sum.partialValue
                } else {
                    part = Int(clamping: try await redis.send("XLEN", stream).int64 ?? 0)  // no stream or no group yet
                }
                let added = total.addingReportingOverflow(part)
                total = added.overflow ? Int.max : added.partialValue
            }
            return total
        }
    }}
