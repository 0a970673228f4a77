import MCPTools
import RedisClient

extension Broker {
    /// What ``settle(_:worker:maxAttempts:startedMs:)`` returns for a job whose attempts are used up.
    public static let exhausted = "exhausted"

    /// Records final statuses, acknowledges the entries and notifies waiting
    /// gateways, all in one pipelined round trip (plus one more only when other
    /// gateways watch a job through `tasks/result`). Returns the status each job ended with.
    @discardableResult
    public func complete(_ completions: [JobCompletion], worker: String) async throws(BrokerError) -> [String] {
        let retention = String(configuration.retention.wholeMilliseconds)
        return try await record(completions) { completion, now in
            BrokerFunctions.complete.fcall(
                keys: [keys.job(completion.job.jobID, in: completion.job.partition), keys.stream(completion.job.partition)],
                arguments: [worker, completion.status.rawValue, completion.resultJSON, completion.error?.description ?? "", now, retention,
                            completion.job.entryID, keys.workerGroup, completion.error?.code ?? ""])
        }
    }

    /// Claims and completes, in one step, a job whose tool already ran unclaimed
    /// (``BrokerScripts/settle``: only while the job is still queued), acknowledges its
    /// entry and notifies its watchers, in one round trip like ``complete(_:worker:)``.
    /// Returns the status the job ended with (its own if it had ended or moved on
    /// meanwhile, `running` if another worker took it over), or `exhausted` when its
    /// attempts were used up (nothing written: dead-letter it).
    public func settle(_ completion: JobCompletion, worker: String, maxAttempts: Int, startedMs: Int64) async throws(BrokerError) -> String {
        let retention = String(configuration.retention.wholeMilliseconds)
        return try await record([completion]) { completion, now in
            BrokerFunctions.settle.fcall(
                keys: [keys.job(completion.job.jobID, in: completion.job.partition), keys.stream(completion.job.partition)],
                arguments: [worker, completion.status.rawValue, completion.resultJSON, completion.error?.description ?? "", now, retention,
                            completion.job.entryID, keys.workerGroup, completion.error?.code ?? "", String(maxAttempts), String(startedMs)])
        }.first ?? ""
    }

    /// Runs one completing call per job (`complete` or `settle`, whose replies have the same
    /// shape) with the notices to each entry's `reply_to` in the same round trip, then
    /// tells the other watchers of the jobs that ended as their worker said.
    private func record(
        _ completions: [JobCompletion], call: (JobCompletion, String) -> RedisCommand
    ) async throws(BrokerError) -> [String] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            guard !completions.isEmpty else { return [] }
            let now = String(UnixTime.nowMillis())
            var commands = completions.map { call($0, now) }
            let scriptIndexes = Array(completions.indices)
            // The entries' reply_to (a waiting gateway, or a producer's results stream), in the same round
            // trip: one XADD each, one PEXPIRE per stream when due (ExpiryRefresh).
            var waiting = NoticesByWatcher()
            for completion in completions {
                guard let gateway = completion.job.replyTo else { continue }
                waiting.add(JobNotice(
                    jobID: completion.job.jobID, requestID: completion.requestID, clientID: completion.clientID, status: completion.status.rawValue,
                    resultJSON: completion.resultJSON, error: completion.error), for: gateway)
            }
            commands += waiting.commands(using: self)
            var replies = try await redis.pipeline(commands)
            if replies.contains(where: \.isMissingFunction) {
                try await redis.load(BrokerFunctions.library)
                replies = try await redis.pipeline(commands)
            }
            var statuses = [String]()
            var notifications = NoticesByWatcher()
            for (completion, index) in zip(completions, scriptIndexes) {
                let parts = try replies[index].orThrow().array ?? []
                let status = parts.first?.string ?? ""
                statuses.append(status)
                func part(_ index: Int) -> String { index < parts.count ? (parts[index].string ?? "") : "" }
                let notice = JobNotice(
                    jobID: completion.job.jobID, requestID: part(2), clientID: part(3), status: completion.status.rawValue,
                    resultJSON: completion.resultJSON, error: completion.error)
                for watcher in part(1).split(separator: ",").map(String.init) where watcher != completion.job.replyTo && status == completion.status.rawValue {
                    notifications.add(notice, for: watcher)
                }
            }
            let more = notifications.commands(using: self)
            if !more.isEmpty { _ = try await redis.pipeline(more) }
            return statuses
        }
    }
}
