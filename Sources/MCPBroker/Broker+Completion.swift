import Logging
import MCPTools
import RedisClient
import Synchronization

extension Broker {
    /// What ``settle(_:worker:maxAttempts:startedMs:)`` returns for a job whose attempts are used up.
    public static let exhausted = "exhausted"

    /// Records final statuses, acknowledges the entries and notifies waiting
    /// gateways, all in one pipelined round trip (plus one more only when other
    /// gateways watch a job through `tasks/result`). Returns the status each job ended with.
    @discardableResult
    public func complete(_ completions: [JobCompletion], worker: String) async throws(BrokerError) -> [String] {
        let retention = String(configuration.retention.wholeMilliseconds)
        return try await record(completions) { index, notice in
            let completion = completions[index]
            return BrokerFunctions.complete.fcall(
                keys: [keys.job(completion.job.jobID, in: completion.job.partition), keys.stream(completion.job.partition)],
                arguments: [worker, completion.status.rawValue, completion.resultJSON, completion.error?.description ?? "", String(completion.finishedMs),
                            retention, completion.job.entryID, keys.workerGroup, completion.error?.code ?? ""] + (notice?.arguments ?? []))
        }.statuses.map { result throws(BrokerError) in try result.get() }
    }

    /// Claims and completes, in one step, a job whose tool already ran unclaimed
    /// (``BrokerScripts/settle``: only while the job is still queued), acknowledges its
    /// entry and notifies its watchers, in one round trip like ``complete(_:worker:)``.
    /// Returns the status the job ended with (its own if it had ended or moved on
    /// meanwhile, `running` if another worker took it over), or `exhausted` when its
    /// attempts were used up (nothing written: dead-letter it).
    public func settle(_ completion: JobCompletion, worker: String, maxAttempts: Int, startedMs: Int64) async throws(BrokerError) -> String {
        let retention = String(configuration.retention.wholeMilliseconds)
        return try await record([completion]) { _, notice in
            settleCall(completion, worker: worker, maxAttempts: maxAttempts, startedMs: startedMs, notice: notice, retention: retention)
        }.statuses.first?.get() ?? ""
    }

    /// Settles jobs whose tools ran unclaimed (each as ``settle(_:worker:maxAttempts:startedMs:)``)
    /// and, in the same round trip on the reader's connection, starts the next blocking
    /// read of new jobs (as ``claimThenRead(_:maxAttempts:worker:using:count:block:)``): a
    /// batch of inline jobs costs the worker one round trip. Not for a cluster (a read may not span slots).
    /// A settle Redis refused (an error reply) is that job's failure alone: the others and the read stand.
    public func settleThenRead(
        _ settlements: [Settlement], worker: String, using reader: BrokerReader, count: Int, block: Duration
    ) async throws(BrokerError) -> (statuses: [Result<String, BrokerError>], next: PendingJobRead) {
        let retention = String(configuration.retention.wholeMilliseconds)
        let read = readCommand(consumer: worker, count: count, block: block)
        let (statuses, next) = try await record(settlements.map(\.completion), thenRead: (reader, read)) { index, notice in
            let settlement = settlements[index]
            return settleCall(
                settlement.completion, worker: worker, maxAttempts: settlement.maxAttempts, startedMs: settlement.startedMs, notice: notice, retention: retention)
        }
        guard let next else { throw BrokerError(code: .unexpectedReply, message: "the next job read was not sent") }
        return (statuses, next)
    }

    /// What ``settleThenRead(_:worker:using:count:block:)`` needs of one job besides its completion.
    public struct Settlement: Sendable {
        /// The job's outcome.
        public let completion: JobCompletion
        /// Its tool's attempt limit.
        public let maxAttempts: Int
        /// When its run started (Unix ms).
        public let startedMs: Int64

        /// Wraps one unclaimed run's completion.
        public init(completion: JobCompletion, maxAttempts: Int, startedMs: Int64) {
            self.completion = completion
            self.maxAttempts = maxAttempts
            self.startedMs = startedMs
        }
    }

    private func settleCall(
        _ completion: JobCompletion, worker: String, maxAttempts: Int, startedMs: Int64, notice: EmbeddedNotice?, retention: String
    ) -> RedisCommand {
        BrokerFunctions.settle.fcall(
            keys: [keys.job(completion.job.jobID, in: completion.job.partition), keys.stream(completion.job.partition)],
            arguments: [worker, completion.status.rawValue, completion.resultJSON, completion.error?.description ?? "", String(completion.finishedMs),
                        retention, completion.job.entryID, keys.workerGroup, completion.error?.code ?? "", String(maxAttempts), String(startedMs)]
                + (notice?.arguments ?? []))
    }

    /// Runs one completing call per job (`call(index, notice)`: `complete` or `settle`, whose replies have
    /// the same shape; with `thenRead`, on the reader's connection, the read right behind them), then
    /// tells the other watchers of the jobs whose status these calls recorded.
    ///
    /// Each entry's `reply_to` is told by the call itself on one server (`notice`: the function appends
    /// it in the step that records the status, so it is written once, and never for a run that lost
    /// the job). On a cluster the watcher's stream is in another slot: those notices follow the
    /// replies, for the calls that recorded their status, sent apart per watcher.
    private func record(
        _ completions: [JobCompletion], thenRead: (reader: BrokerReader, command: RedisCommand)? = nil, call: (Int, EmbeddedNotice?) -> RedisCommand
    ) async throws(BrokerError) -> (statuses: [Result<String, BrokerError>], next: PendingJobRead?) {
        return try await BrokerError.mapping { () async throws(RedisError) in
            guard !completions.isEmpty || thenRead != nil else { return ([], nil) }
            let embedded = !redis.isCluster
            let commands = completions.indices.map { index in
                let completion = completions[index]
                let notice = embedded ? completion.job.replyTo.map { embeddedNotice(watcher: $0, Self.notice(of: completion)) } : nil
                return call(index, notice)
            }
            var replies: [RedisValue]
            var next: PendingJobRead?
            if let thenRead {
                let (first, later) = try await thenRead.reader.client.pipeline(commands, then: [thenRead.command])
                replies = first
                next = PendingJobRead(replies: later, broker: self)
            } else {
                replies = try await redis.pipeline(commands)
            }
            if replies.contains(where: \.isMissingFunction) {
                try await redis.load(BrokerFunctions.library)
                replies = try await redis.pipeline(commands)
            }
            var statuses = [Result<String, BrokerError>]()
            var notifications = NoticesByWatcher()
            for (index, completion) in completions.enumerated() {
                // An error reply fails this job's call only: the rest of the batch (and a read behind it) stand.
                let reply: RedisValue
                do throws(RedisError) {
                    reply = try replies[index].orThrow()
                } catch {
                    statuses.append(.failure(BrokerError(error)))
                    continue
                }
                let parts = reply.array ?? []
                statuses.append(.success(parts.first?.string ?? ""))
                func part(_ index: Int) -> String { index < parts.count ? (parts[index].string ?? "") : "" }
                guard part(4) == "1" else { continue }  // this call did not record the status: whoever did tells the watchers
                let notice = JobNotice(
                    jobID: completion.job.jobID, requestID: part(2), clientID: part(3), status: completion.status.rawValue,
                    resultJSON: completion.resultJSON, error: completion.error)
                let watchers = part(1).split(separator: ",").map(String.init)
                for watcher in watchers where !(embedded && watcher == completion.job.replyTo) {
                    notifications.add(notice, for: watcher)
                }
                if !embedded, let replyTo = completion.job.replyTo, !watchers.contains(replyTo) {
                    notifications.add(Self.notice(of: completion), for: replyTo)
                }
            }
            if redis.isCluster {
                await deliverNotices(notifications.commandsByWatcher(using: self))
            } else {
                let more = notifications.commands(using: self)
                if !more.isEmpty { reportUndelivered(try await redis.pipeline(more)[...], of: more[...]) }
            }
            return (statuses, next)
        }
    }

    /// The notice of a completion, as its entry's `reply_to` receives it.
    private static func notice(of completion: JobCompletion) -> JobNotice {
        JobNotice(
            jobID: completion.job.jobID, requestID: completion.requestID, clientID: completion.clientID, status: completion.status.rawValue,
            resultJSON: completion.resultJSON, error: completion.error)
    }

    /// Sends each watcher's notices on their own (on a cluster, each watcher's stream is one slot),
    /// all at once. A watcher whose notices cannot be sent (its slot unserved, its node down, after
    /// the cluster client's retries) is logged, and its notices are dropped without trying for 5 s:
    /// the jobs' statuses are recorded already, and a gateway whose replies are lost answers its sync
    /// calls `accepted` after their budget, which a poll then finds finished.
    func deliverNotices(_ byWatcher: [(watcher: String, commands: [RedisCommand])]) async {
        let now = ContinuousClock.now
        let skipped = unreachableWatchers.withLock { unreachable in
            unreachable = unreachable.filter { $0.value > now }
            return Set(unreachable.keys)
        }
        await withTaskGroup(of: Void.self) { group in
            for (watcher, commands) in byWatcher where !skipped.contains(watcher) && !commands.isEmpty {
                group.addTask {
                    do throws(RedisError) {
                        let replies = try await self.redis.pipeline(commands)
                        self.reportUndelivered(replies[...], of: commands[...])
                    } catch {
                        // Batches sent at the same time fail together: the first to fail logs, the others only extend the window.
                        let first = self.unreachableWatchers.withLock { unreachable -> Bool in
                            let already = unreachable[watcher].map { $0 > .now } ?? false
                            unreachable[watcher] = .now + .seconds(5)
                            return !already
                        }
                        guard first else { return }
                        self.logger.warning("a watcher's stream cannot be reached; its notices are dropped for 5 s, the jobs' statuses stand", metadata: [
                            "watcher": "\(watcher.prefix(100))", "error": "\(error.code): \(error.message.prefix(200))",
                        ])
                    }
                }
            }
        }
    }

    /// Logs notices Redis refused to append (a watcher's stream holding another type: a poison
    /// value no retry mends). The job's own status is written either way; only the notice is lost.
    func reportUndelivered(_ replies: ArraySlice<RedisValue>, of commands: ArraySlice<RedisCommand>) {
        for (reply, command) in zip(replies, commands) {
            guard let message = reply.errorMessage else { continue }
            let key = command.arguments.count > 1 ? String(decoding: command.arguments[1].prefix(200), as: UTF8.self) : "?"
            logger.warning("a job's notice could not be appended to its watcher's stream; the job's status stands", metadata: [
                "error": "\(message.prefix(200))", "key": "\(key)",
            ])
        }
    }
}
