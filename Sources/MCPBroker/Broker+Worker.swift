import Logging
import MCPTools
import Synchronization
import RedisClient

extension Broker {
    /// Checks the partition count (``checkPartitions()``) and creates the `workers`
    /// group on every partition's job stream (and the stream) if missing.
    public func ensureWorkerGroup() async throws(BrokerError) {
        try await checkPartitions()
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            var failed: [RedisError] = []
            for p in keys.partitioning.all {
                do throws(RedisError) {
                    try await ensureWorkerGroup(in: p)
                    unusablePartitions.recovered(String(p))  // repaired: its next failure is a warning again
                } catch {
                    // A poison value where one partition's stream belongs, or its slot unserved: the other partitions still run.
                    reportUnusablePartition(p, error)
                    failed.append(error)
                }
            }
            if failed.count == keys.partitioning.count, let first = failed.first { throw first }
        }
    }

    /// Creates partition `p`'s stream and `workers` group if missing.
    func ensureWorkerGroup(in p: Int) async throws(RedisError) {
        try await redis.xgroupCreate(keys.stream(p), group: keys.workerGroup, startID: "0", makeStream: true)
    }

    /// Logs that Redis refused a partition's stream with an error reply (a key of another type, its group
    /// deleted): its jobs wait, the other partitions' jobs run.
    /// Once a minute per partition while it lasts (every read of it fails the same way).
    func reportUnusablePartition(_ p: Int, _ error: RedisError) {
        let (level, heldBack) = unusablePartitions.level(for: String(p), cause: error.message)
        logger.log(level: level, "a partition's job stream cannot be read; its jobs wait until it is repaired (docs/operations.md, \"Poison values\")", metadata: [
            "partition": "\(p)", "stream": "\(keys.stream(p))", "error": "\(error)", "repeats": "\(heldBack)",
        ])
    }

    /// Reads up to `count` new jobs for a consumer, blocking up to `block`.
    /// Pass a reader of its own (``makeReader(commandTimeout:)``): a blocking read holds its connection.
    public func readJobs(using reader: BrokerReader, consumer: String, count: Int, block: Duration) async throws(BrokerError) -> [DeliveredJob] {
        if reader.client.isCluster {
            return try await reader.jobFeed(for: self).next(consumer: consumer, count: count, block: block)
        }
        return try await BrokerError.mapping { () async throws(RedisError) in
            let reply = try await reader.client.send(readCommand(consumer: consumer, count: count, block: block))
            return try await deliveredJobs(in: reply)
        }
    }

    /// Claims jobs and, in the same round trip on the reader's connection, starts the
    /// next blocking read: the claims' outcomes come back at once, the next jobs
    /// through ``PendingJobRead`` when they arrive. A lone job then costs the worker
    /// two round trips (claim with next read, completion) instead of three.
    public func claimThenRead(
        _ jobs: [DeliveredJob], maxAttempts: [Int], worker: String, using reader: BrokerReader, count: Int, block: Duration
    ) async throws(BrokerError) -> (outcomes: [ClaimOutcome], next: PendingJobRead) {
        if reader.client.isCluster {
            // A read may not span slots on a cluster: claim now, read when the worker asks for the next jobs.
            let outcomes = try await claim(jobs, maxAttempts: maxAttempts, worker: worker)
            return (outcomes, PendingJobRead(deferred: { () async throws(BrokerError) in
                try await self.readJobs(using: reader, consumer: worker, count: count, block: block)
            }))
        }
        let now = String(UnixTime.nowMillis())
        let claims = zip(jobs, maxAttempts).map { job, limit in
            BrokerFunctions.claim.fcall(keys: [keys.job(job.jobID, in: job.partition)], arguments: [worker, now, String(limit), "0"])
        }
        let (replies, later) = try await BrokerError.mapping { () async throws(RedisError) in
            try await reader.client.pipeline(claims, then: [readCommand(consumer: worker, count: count, block: block)])
        }
        let next = PendingJobRead(replies: later, broker: self)
        if replies.contains(where: \.isMissingFunction) {  // after a restart without persistence or FUNCTION FLUSH
            return (try await claim(jobs, maxAttempts: maxAttempts, worker: worker), next)
        }
        // An error reply fails that claim alone (the job stays pending for a later reclaim): the others and the read stand.
        return (replies.map(Self.claimOutcomeOrFailure), next)
    }

    /// One read of every partition's stream: one command on a single node (COUNT applies per stream).
    func readCommand(consumer: String, count: Int, block: Duration) -> RedisCommand {
        .xreadgroup(group: keys.workerGroup, consumer: consumer, streams: keys.streams.map { ($0, ">") }, count: count, block: block)
    }

    /// The partition a job stream key belongs to, or `nil` for a key that is none of ours.
    func partition(ofStream name: String) -> Int? {
        keys.streams.firstIndex(of: name)
    }

    /// Decodes an XREADGROUP reply; entries without a job id are acknowledged so they are not redelivered forever.
    func deliveredJobs(in reply: RedisValue) async throws(RedisError) -> [DeliveredJob] {
        var jobs = [DeliveredJob]()
        for (stream, entries) in try RedisClient.decodeStreams(reply) {
            guard let p = partition(ofStream: stream) else { continue }
            var foreign = [String]()
            for entry in entries {
                if let job = DeliveredJob(entry, partition: p) { jobs.append(job) } else { foreign.append(entry.id) }
            }
            if !foreign.isEmpty {
                logger.warning("acknowledging stream entries without a job_id", metadata: ["stream.ids": "\(foreign)", "stream": "\(stream)"])
                try await acknowledgeAndDelete(entries: foreign, partition: p)
            }
        }
        return jobs
    }

    /// Claims delivered jobs by compare-and-set on their hashes, all in one round trip.
    /// `maxAttempts` gives each job's limit; `takeover` is for entries reclaimed from a dead worker.
    /// A claim Redis refuses (an error reply) is that job's ``ClaimOutcome/failed(_:)`` alone.
    public func claim(_ jobs: [DeliveredJob], maxAttempts: [Int]? = nil, worker: String, takeover: Bool = false) async throws(BrokerError) -> [ClaimOutcome] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let now = String(UnixTime.nowMillis())
            let limits = maxAttempts ?? Array(repeating: Int(Int32.max), count: jobs.count)
            return try await repliesOfAll(BrokerFunctions.claim, calls: zip(jobs, limits).map { job, limit in
                ([keys.job(job.jobID, in: job.partition)], [worker, now, String(limit), takeover ? "1" : "0"])
            }).map(Self.claimOutcomeOrFailure)
        }
    }

    /// A claim's outcome, or ``ClaimOutcome/failed(_:)`` for an error reply.
    static func claimOutcomeOrFailure(_ reply: RedisValue) -> ClaimOutcome {
        do throws(RedisError) {
            return claimOutcome(try reply.orThrow())
        } catch {
            return .failed(error.description)
        }
    }

    static func claimOutcome(_ reply: RedisValue) -> ClaimOutcome {
        let parts = reply.array ?? []
        let number = parts.count > 1 ? Int(parts[1].string ?? "") ?? 0 : 0
        switch parts.first?.string {
        case "run": return .run(attempts: number)
        case "exhausted": return .exhausted(attempts: number)
        case "missing", nil: return .missing
        case let text?: return JobStatus(rawValue: text).map { .skip($0) } ?? .missing
        }
    }

    /// Registers a gateway to be told when a job ends; returns the job's status now (`nil` if no such job).
    public func watch(jobID: String, gateway: String) async throws(BrokerError) -> JobStatus? {
        return try await BrokerError.mapping { () async throws(RedisError) in
            guard let p = keys.partitioning.partition(ofJob: jobID) else { return nil }
            let reply = try await redis.call(BrokerFunctions.watch, keys: [keys.job(jobID, in: p)], arguments: [gateway])
            return reply.string.flatMap(JobStatus.init(rawValue:))
        }
    }

    /// Acknowledges stream entries the worker will not run (duplicates, cancelled, missing).
    public func acknowledge(_ jobs: [DeliveredJob]) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            guard !jobs.isEmpty else { return }
            for (p, mine) in jobs.byPartition() {
                try await acknowledgeAndDelete(entries: mine.map(\.entryID), partition: p)
            }
        }
    }

    /// Acknowledges partition `p`'s job stream entries and deletes them, in one round trip (see ``BrokerScripts``).
    func acknowledgeAndDelete(entries ids: [String], partition p: Int) async throws(RedisError) {
        guard !ids.isEmpty else { return }
        for reply in try await redis.pipeline([
            .xack(keys.stream(p), group: keys.workerGroup, ids: ids), RedisCommand("XDEL", [keys.stream(p)] + ids),
        ]) { _ = try reply.orThrow() }
    }

    /// Writes progress; returns `.cancelRequested` when the client asked to cancel, `.lost` when this worker no longer owns the job.
    public func reportProgress(jobID: String, worker: String, fraction: Double, message: String) async throws(BrokerError) -> ProgressAcknowledgement {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let reply = try await redis.call(
                BrokerFunctions.progress, keys: [keys.job(jobID)],
                arguments: [worker, String(fraction), message, String(UnixTime.nowMillis())])
            switch reply.int64 {
            case 1: return .cancelRequested
            case -1: return .lost
            default: return .proceed
            }
        }
    }

    /// Which of these jobs their clients asked to cancel, in one round trip.
    public func cancellationRequests(jobIDs: [String]) async throws(BrokerError) -> Set<String> {
        return try await BrokerError.mapping { () async throws(RedisError) in
            guard !jobIDs.isEmpty else { return [] }
            let replies = try await redis.pipeline(jobIDs.map { .hget(keys.job($0), "cancel_requested") })
            return Set(zip(jobIDs, replies).compactMap { $0.1.string == "1" ? $0.0 : nil })
        }
    }

    /// Tells every watcher in `watchers` (comma-separated gateway ids and `@` results streams) that a job ended.
    func notify(watchers: String, _ notice: JobNotice) async throws(RedisError) {
        var notices = NoticesByWatcher()
        for watcher in watchers.split(separator: ",") { notices.add(notice, for: String(watcher)) }
        let commands = notices.commands(using: self)
        if !commands.isEmpty { reportUndelivered(try await redis.pipeline(commands)[...], of: commands[...]) }
    }

    /// XADDs of notices to a watcher's stream, then its expiry when due (``ExpiryRefresh``): a gateway's reply
    /// stream (`job_id`, `status`, `result`, `error`, `error_code`), or a producer's
    /// results stream (`@name`), whose entries also carry `request_id` and `client_id`.
    func replyCommands(watcher: String, _ notices: [JobNotice]) -> [RedisCommand] {
        guard !notices.isEmpty else { return [] }
        let place = noticePlace(watcher: watcher)
        return notices.map { .xadd(place.stream, fields: noticeFields($0, for: place), trim: place.trim) }
            + (expiries.isDue(place.stream, ttl: place.ttl) ? [.expire(place.stream, after: place.ttl)] : [])
    }

    /// XADDs of notices to one results stream, then its expiry when due.
    func resultsCommands(_ results: ResultsStream, _ notices: [JobNotice]) -> [RedisCommand] {
        replyCommands(watcher: results.watcher, notices)
    }

    /// One notice as a completing function appends it itself (``BrokerScripts/complete``): the stream,
    /// its TTL and whether its expiry is due, and the `XADD` words after the key.
    func embeddedNotice(watcher: String, _ notice: JobNotice) -> EmbeddedNotice {
        let place = noticePlace(watcher: watcher)
        var words = place.trim.arguments + ["*"]
        for field in noticeFields(notice, for: place) { words += [field.name, field.value] }
        return EmbeddedNotice(
            stream: place.stream, ttlMs: String(place.ttl.wholeMilliseconds), expiryDue: expiries.isDue(place.stream, ttl: place.ttl), xaddWords: words)
    }

    /// Where a watcher's notices go: its stream, how it is capped and how long it lives.
    private func noticePlace(watcher: String) -> (stream: String, trim: StreamTrim, ttl: Duration, isResults: Bool) {
        if let results = ResultsStream(watcher: Substring(watcher)) {
            return (keys.results(results), .maxLength(configuration.resultsStreamMaxLength), configuration.resultsStreamTTL, true)
        }
        return (keys.replies(gateway: watcher), .maxLength(configuration.replyStreamMaxLength), configuration.replyStreamTTL, false)
    }

    /// A notice's entry fields: a results stream's carry the request and client ids too.
    private func noticeFields(_ notice: JobNotice, for place: (stream: String, trim: StreamTrim, ttl: Duration, isResults: Bool)) -> [StreamField] {
        if place.isResults { return notice.fields }
        return [
            StreamField(name: "job_id", value: notice.jobID),
            StreamField(name: "status", value: notice.status),
            StreamField(name: "result", value: notice.resultJSON),
            StreamField(name: "error", value: notice.error?.description ?? ""),
            StreamField(name: "error_code", value: notice.error?.code ?? ""),
        ]
    }

    /// Runs one function many times in one round trip, loading its library once if Redis lacks it.
    func callAll(_ function: RedisFunction, calls: [(keys: [String], arguments: [String])]) async throws(RedisError) -> [RedisValue] {
        try await repliesOfAll(function, calls: calls).map { reply throws(RedisError) in try reply.orThrow() }
    }

    /// ``callAll(_:calls:)`` with error replies kept as values, so one refused call fails only its own caller.
    func repliesOfAll(_ function: RedisFunction, calls: [(keys: [String], arguments: [String])]) async throws(RedisError) -> [RedisValue] {
        guard !calls.isEmpty else { return [] }
        let commands = calls.map { function.fcall(keys: $0.keys, arguments: $0.arguments) }
        var replies = try await redis.pipeline(commands)
        if replies.contains(where: \.isMissingFunction) {
            try await redis.load(function.library)
            replies = try await redis.pipeline(commands)
        }
        return replies
    }
}

/// What ``Broker/reportProgress(jobID:worker:fraction:message:)`` learned.
public enum ProgressAcknowledgement: Sendable, Equatable {
    /// Keep going.
    case proceed
    /// The client asked to cancel: stop the tool.
    case cancelRequested
    /// The job is no longer this worker's (reclaimed or finished): stop without writing a result.
    case lost
}
