import MCPTools
import RedisClient

extension Broker {
    /// Reads every queue counter an operator watches, in two pipelined round
    /// trips, with count-only commands: no command here returns a job's
    /// arguments, result or envelope (the `monitor` ACL user, which cannot read
    /// those, may run it). A stream or group that does not exist yet counts as empty.
    public func stats() async throws(BrokerError) -> QueueStats {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let since = UnixTime.nowMillis() - configuration.heartbeatTTL.wholeMilliseconds
            let replies = try await redis.pipeline([
                RedisCommand("XLEN", [keys.stream]),  // not XINFO STREAM: it returns the first and last entries' envelopes
                .xinfoGroups(keys.stream),
                .xinfoConsumers(keys.stream, group: keys.workerGroup),
                RedisCommand("XLEN", [keys.dead]),
                RedisCommand("ZCARD", [keys.delayed]),
                RedisCommand("XLEN", [keys.ingress]),
                .xinfoGroups(keys.ingress),
                RedisCommand("XLEN", [keys.ingressRejected]),
                .zrangeByScore(keys.workerIndex, min: String(since), max: "+inf"),
            ])
            let taken = UnixTime.nowMillis()
            // A missing key answers XINFO with an error (`no such key`, `NOGROUP`): nothing there yet.
            func existing(_ reply: RedisValue) throws(RedisError) -> RedisValue? {
                if let message = reply.errorMessage {
                    if message.contains("no such key") || message.hasPrefix("NOGROUP") { return nil }
                    throw RedisError.server(message)
                }
                return reply
            }
            let group = try existing(replies[1]).map { reply throws(RedisError) in try StreamGroupInfo.decodeList(reply) }?
                .first { $0.name == keys.workerGroup }
            let consumers = try existing(replies[2]).map { reply throws(RedisError) in try StreamConsumerInfo.decodeList(reply) } ?? []
            let ingressGroup = try existing(replies[6]).map { reply throws(RedisError) in try StreamGroupInfo.decodeList(reply) }?
                .first { $0.name == keys.ingressGroup }
            let workerIDs = (try replies[8].orThrow().array ?? []).compactMap(\.string)

            let beats = try await redis.pipeline(workerIDs.map { .hgetall(keys.worker($0)) })
            var workers = [LiveWorker]()
            for (id, reply) in zip(workerIDs, beats) {
                var fields: [String: String] = [:]
                for (name, value) in RedisValue.pairs(try reply.orThrow()) { fields[name] = value.string ?? "" }
                if let worker = LiveWorker(workerID: id, fields: fields) { workers.append(worker) }
            }
            let length = Int(try replies[0].orThrow().int64 ?? 0)
            // Redis computes lag as entries-added − entries-read, so their sum gives entries-added back.
            let added = group.flatMap { group -> Int64? in
                guard let read = group.entriesRead, let lag = group.lag else { return nil }
                let (sum, overflow) = read.addingReportingOverflow(Int64(lag))
                return overflow ? nil : sum
            }
            return QueueStats(
                takenMs: taken,
                streamLength: length,
                entriesAdded: added,
                lag: group.map { $0.lag } ?? length,  // no group yet: nothing was read
                pending: group?.pending ?? 0,
                entriesRead: group?.entriesRead,
                consumers: consumers.sorted { $0.name < $1.name },
                workers: workers.sorted { $0.workerID < $1.workerID },
                deadLetters: Int(try replies[3].orThrow().int64 ?? 0),
                retriesWaiting: Int(try replies[4].orThrow().int64 ?? 0),
                ingressLength: Int(try replies[5].orThrow().int64 ?? 0),
                ingressLag: ingressGroup?.lag,
                ingressPending: ingressGroup?.pending ?? 0,
                ingressRejected: Int(try replies[7].orThrow().int64 ?? 0))
        }
    }
}
