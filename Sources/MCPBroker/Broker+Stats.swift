import MCPTools
import RedisClient

extension Broker {
    /// Reads every queue counter an operator watches, in two pipelined round
    /// trips, with count-only commands: no command here returns a job's
    /// arguments, result or envelope (the `monitor` ACL user, which cannot read
    /// those, may run it). A stream or group that does not exist yet counts as empty.
    /// With several partitions, the job-stream counters are summed over them (a
    /// consumer's pending entries too; its idle time is its least). A key of
    /// another type (a poison value) does not fail the reading: it is named in
    /// ``QueueStats/unreadable`` and counts as empty.
    public func stats() async throws(BrokerError) -> QueueStats {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let now = UnixTime.nowMillis()
            let ttl = configuration.heartbeatTTL.wholeMilliseconds
            let partitions = keys.partitioning.all
            var commands: [RedisCommand] = [
                RedisCommand("XLEN", [keys.ingress]),
                .xinfoGroups(keys.ingress),
                RedisCommand("XLEN", [keys.ingressRejected]),
                .zrangeByScore(keys.workerIndex, min: String(now - ttl), max: String(now + ttl)),  // as liveWorkers()
            ]
            for p in partitions {
                commands += [
                    RedisCommand("XLEN", [keys.stream(p)]),  // not XINFO STREAM: it returns the first and last entries' envelopes
                    .xinfoGroups(keys.stream(p)),
                    .xinfoConsumers(keys.stream(p), group: keys.workerGroup),
                    RedisCommand("XLEN", [keys.dead(p)]),
                    RedisCommand("ZCARD", [keys.delayed(p)]),
                ]
            }
            // The key each command reads, to name a poison one.
            let keyOfCommand = [keys.ingress, keys.ingress, keys.ingressRejected, keys.workerIndex]
                + partitions.flatMap { p in [keys.stream(p), keys.stream(p), keys.stream(p), keys.dead(p), keys.delayed(p)] }
            let replies = try await redis.pipeline(commands)
            let taken = UnixTime.nowMillis()
            var unreadable = [String]()
            // A missing key answers XINFO with an error (`no such key`, `NOGROUP`): nothing there yet.
            // A key of another type is named and read as empty; any other refusal fails the reading.
            func existing(_ reply: RedisValue, _ index: Int) throws(RedisError) -> RedisValue? {
                if let message = reply.errorMessage {
                    if message.contains("no such key") || message.hasPrefix("NOGROUP") { return nil }
                    if message.hasPrefix("WRONGTYPE") {
                        let key = index < keyOfCommand.count ? keyOfCommand[index] : "?"
                        if !unreadable.contains(where: { $0.hasPrefix(key + ":") }) { unreadable.append("\(key): \(message.prefix(120))") }  // once per key
                        return nil
                    }
                    throw RedisError.server(message)
                }
                return reply
            }
            func count(_ index: Int) throws(RedisError) -> Int { Int(clamping: try existing(replies[index], index)?.int64 ?? 0) }
            func add(_ a: Int, _ b: Int) -> Int { let sum = a.addingReportingOverflow(b); return sum.overflow ? Int.max : sum.partialValue }
            func add(_ a: Int64?, _ b: Int64?) -> Int64? {
                guard let a, let b else { return nil }
                let sum = a.addingReportingOverflow(b)
                return sum.overflow ? nil : sum.partialValue
            }
            let ingressGroup = try existing(replies[1], 1).map { reply throws(RedisError) in try StreamGroupInfo.decodeList(reply) }?
                .first { $0.name == keys.ingressGroup }
            let workerIDs = (try existing(replies[3], 3)?.array ?? []).compactMap(\.string)

            var length = 0, pending = 0, dead = 0, delayed = 0
            var lag: Int? = 0
            var added: Int64? = 0
            var read: Int64? = 0
            var consumers: [String: StreamConsumerInfo] = [:]
            for p in partitions {
                let base = 4 + p * 5
                let partLength = try count(base)
                length = add(length, partLength)
                let group = try existing(replies[base + 1], base + 1).map { reply throws(RedisError) in try StreamGroupInfo.decodeList(reply) }?
                    .first { $0.name == keys.workerGroup }
                // Redis computes lag as entries-added − entries-read, so their sum gives entries-added back.
                // It reports entries-read as unknown until the group first delivers: a group that never
                // delivered (last-delivered-id 0-0) has read nothing.
                let groupRead = group.flatMap { $0.entriesRead ?? ($0.lastDeliveredID == "0-0" ? 0 : nil) }
                let partAdded = group.flatMap { group -> Int64? in
                    guard let read = groupRead, let lag = group.lag else { return nil }
                    let (sum, overflow) = read.addingReportingOverflow(Int64(lag))
                    return overflow ? nil : sum
                }
                added = add(added, partAdded)
                read = add(read, groupRead)
                let partLag = group.map { $0.lag } ?? partLength  // no group yet: nothing was read
                lag = lag.flatMap { total in partLag.map { add(total, $0) } }
                pending = add(pending, group?.pending ?? 0)
                for consumer in try existing(replies[base + 2], base + 2).map({ reply throws(RedisError) in try StreamConsumerInfo.decodeList(reply) }) ?? [] {
                    if let known = consumers[consumer.name] {
                        consumers[consumer.name] = StreamConsumerInfo(
                            name: consumer.name, pending: add(known.pending, consumer.pending), idleMillis: min(known.idleMillis, consumer.idleMillis))
                    } else {
                        consumers[consumer.name] = consumer
                    }
                }
                dead = add(dead, try count(base + 3))
                delayed = add(delayed, try count(base + 4))
            }

            let beats = try await redis.pipeline(workerIDs.map { .hgetall(keys.worker($0)) })
            var workers = [LiveWorker]()
            for (id, reply) in zip(workerIDs, beats) {
                if let message = reply.errorMessage, message.hasPrefix("WRONGTYPE") {
                    unreadable.append("\(keys.worker(id)): \(message.prefix(120))")
                    continue
                }
                var fields: [String: String] = [:]
                for (name, value) in RedisValue.pairs(try reply.orThrow()) { fields[name] = value.string ?? "" }
                if let worker = LiveWorker(workerID: id, fields: fields) { workers.append(worker) }
            }
            return QueueStats(
                takenMs: taken,
                streamLength: length,
                entriesAdded: added,
                lag: lag,
                pending: pending,
                entriesRead: read,
                consumers: consumers.values.sorted { $0.name < $1.name },
                workers: workers.sorted { $0.workerID < $1.workerID },
                deadLetters: dead,
                retriesWaiting: delayed,
                ingressLength: try count(0),
                ingressLag: ingressGroup?.lag,
                ingressPending: ingressGroup?.pending ?? 0,
                ingressRejected: try count(2),
                unreadable: unreadable)
        }
    }
}
