import Logging
import RedisClient

extension Broker {
    /// Creates the `gateways` group on an ingress stream (default the shared
    /// one; and the stream) if missing. It starts at the stream's beginning, so
    /// envelopes produced before the first gateway ever ran are not skipped.
    public func ensureIngressGroup(stream: String? = nil) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            try await redis.xgroupCreate(stream ?? keys.ingress, group: keys.ingressGroup, startID: "0", makeStream: true)
        }
    }

    /// Reads up to `count` ingress entries for a gateway: new ones, blocking up
    /// to `block`, or with `ownPending` the entries this gateway was given
    /// before and has not acknowledged (never blocking).
    /// Pass a reader of its own (``makeReader(commandTimeout:)``): a blocking read holds its connection.
    public func readIngress(
        using reader: BrokerReader, stream: String? = nil, consumer: String, count: Int, block: Duration, ownPending: Bool = false
    ) async throws(BrokerError) -> [IngressEntry] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let streams = try await reader.client.xreadgroup(
                group: keys.ingressGroup, consumer: consumer, streams: [(stream ?? keys.ingress, ownPending ? "0" : ">")],
                count: count, block: ownPending ? nil : block)
            return streams.flatMap { $0.entries.map { IngressEntry($0, isRedelivery: ownPending) } }
        }
    }

    /// Entries other gateways were given and left unacknowledged for longer
    /// than `lease` (the gateway died), claimed for `consumer`: their ids only (`JUSTID`, a reply
    /// of a few bytes however large the entries): they are `consumer`'s own pending entries now, read
    /// as such (``readIngress(using:stream:consumer:count:block:ownPending:)``). XAUTOCLAIM's
    /// own idle check makes two reclaiming gateways race safely.
    public func reclaimIngress(stream: String? = nil, consumer: String, lease: Duration, count: Int) async throws(BrokerError) -> [String] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            try await redis.xautoclaimIDs(stream ?? keys.ingress, group: keys.ingressGroup, consumer: consumer, minIdle: lease, count: count)
        }
    }

    /// Reads `consumer`'s own pending entries one at a time (their ids from `XPENDING`, then an
    /// `XCLAIM` of each through the reader), after a read of several came back larger than the
    /// reader's ``RedisConfiguration/replyByteLimit``: an entry that alone is larger is not read but
    /// returned as a `payload_too_large` problem (no envelope may be that large), to be refused and
    /// acknowledged; the others come back as read. Empty when nothing is pending.
    public func readIngressOneByOne(using reader: BrokerReader, stream: String? = nil, consumer: String, count: Int) async throws(BrokerError) -> [IngressEntry] {
        let stream = stream ?? keys.ingress
        let limit = reader.client.configuration.replyByteLimit
        return try await BrokerError.mapping { () async throws(RedisError) in
            var entries = [IngressEntry]()
            for pending in try await redis.xpending(stream, group: keys.ingressGroup, count: count, consumer: consumer) {
                do throws(RedisError) {
                    let reply = try await reader.client.send(.xclaim(stream, group: keys.ingressGroup, consumer: consumer, minIdle: .zero, ids: [pending.id]))
                    // An entry deleted meanwhile comes back as nothing (Redis drops it from the pending list).
                    entries += try StreamEntry.decodeList(reply).map { IngressEntry($0, isRedelivery: true) }
                } catch where error.code == .replyTooLarge {
                    entries.append(IngressEntry(
                        entryID: pending.id, envelope: nil, isRedelivery: true,
                        problem: ("payload_too_large", "the ingress entry is larger than \(limit) bytes, more than any envelope may be; it was not read")))
                }
            }
            return entries
        }
    }

    /// Writes refusals to the reject stream (capped at about `rejectedMaxLength`)
    /// and to the results stream each names (`status` `refused`), then acknowledges the settled entries of `stream` (default the shared
    /// one), in one round trip. A crash between the two leaves the entry
    /// pending: it is settled again (at least once).
    public func settleIngress(
        stream: String? = nil, acknowledging ids: [String], rejections: [IngressRejection], gateway: String, rejectedMaxLength: Int = 10_000
    ) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            let commands = ingressSettlement(
                stream: stream ?? keys.ingress, acknowledging: ids, rejections: rejections, gateway: gateway, rejectedMaxLength: rejectedMaxLength)
            guard !commands.isEmpty else { return }
            try checkSettlement(try await redis.pipeline(commands), of: commands)
        }
    }

    /// Checks a settlement's replies: its `XACK` (the last) must have worked. A refusal
    /// Redis would not record (the reject stream or a results stream holding another
    /// type) is logged and dropped, so one poison key cannot hold back the entries
    /// behind it, nor the read sent with them.
    func checkSettlement(_ replies: [RedisValue], of commands: [RedisCommand]) throws(RedisError) {
        guard let acknowledgement = replies.last else { return }
        for (reply, command) in zip(replies.dropLast(), commands) {
            guard case .error(let message) = reply else { continue }
            // Every command but the XACK is an XADD (or the EXPIRE after one): its key comes first.
            let key = command.arguments.count > 1 ? String(decoding: command.arguments[1].prefix(200), as: UTF8.self) : "?"
            logger.warning("an ingress refusal could not be recorded; the entry is settled without it", metadata: [
                "error": "\(message.prefix(200))", "key": "\(key)",
            ])
        }
        _ = try acknowledgement.orThrow()
    }

    /// Settles entries as ``settleIngress(stream:acknowledging:rejections:gateway:rejectedMaxLength:)``
    /// does and, in the same round trip on the reader's connection, starts the next
    /// blocking read of new entries (as ``readIngress(using:stream:consumer:count:block:ownPending:)``):
    /// a batch then costs the gateway one round trip fewer. On a cluster the read is
    /// sent when its entries are asked for.
    public func settleIngressThenRead(
        stream: String? = nil, acknowledging ids: [String], rejections: [IngressRejection], gateway: String, rejectedMaxLength: Int = 10_000,
        using reader: BrokerReader, consumer: String, count: Int, block: Duration
    ) async throws(BrokerError) -> PendingIngressRead {
        let stream = stream ?? keys.ingress
        if reader.client.isCluster {
            try await settleIngress(stream: stream, acknowledging: ids, rejections: rejections, gateway: gateway, rejectedMaxLength: rejectedMaxLength)
            return PendingIngressRead(deferred: { () async throws(BrokerError) in
                try await self.readIngress(using: reader, stream: stream, consumer: consumer, count: count, block: block)
            })
        }
        let commands = ingressSettlement(stream: stream, acknowledging: ids, rejections: rejections, gateway: gateway, rejectedMaxLength: rejectedMaxLength)
        let read = RedisCommand.xreadgroup(group: keys.ingressGroup, consumer: consumer, streams: [(stream, ">")], count: count, block: block)
        return try await BrokerError.mapping { () async throws(RedisError) in
            let (replies, later) = try await reader.client.pipeline(commands, then: [read])
            try checkSettlement(replies, of: commands)
            return PendingIngressRead(replies: later)
        }
    }

    /// The commands that settle a batch of `stream`'s entries: refusals to the reject stream
    /// and to the results streams they name, then one XACK of every settled entry.
    func ingressSettlement(stream: String, acknowledging ids: [String], rejections: [IngressRejection], gateway: String, rejectedMaxLength: Int) -> [RedisCommand] {
        guard !ids.isEmpty || !rejections.isEmpty else { return [] }
        let now = String(UnixTime.nowMillis())
        var commands = rejections.map { rejection in
            RedisCommand.xadd(keys.ingressRejected, fields: [
                StreamField(name: "code", value: rejection.code),
                StreamField(name: "reason", value: rejection.reason),
                StreamField(name: "client_id", value: rejection.clientID),
                StreamField(name: "request_id", value: rejection.requestID),
                StreamField(name: "entry_id", value: rejection.entryID),
                StreamField(name: "stream", value: stream),
                StreamField(name: "gateway", value: gateway),
                StreamField(name: "rejected_ms", value: now),
            ], trim: .maxLength(rejectedMaxLength))
        }
        for rejection in rejections {
            guard let results = rejection.resultsTo else { continue }
            commands += resultsCommands(results, [JobNotice(
                jobID: "", requestID: rejection.idsVerified ? rejection.requestID : "", clientID: rejection.idsVerified ? rejection.clientID : "",
                status: JobNotice.refused, error: JobError(code: rejection.code, message: rejection.reason), entryID: rejection.entryID)])
        }
        let acknowledged = Set(ids).union(rejections.map(\.entryID))
        commands.append(.xack(stream, group: keys.ingressGroup, ids: acknowledged.sorted()))
        return commands
    }

    /// Trims an ingress stream (default the shared one) below the oldest entry that is still
    /// pending or not yet delivered to the gateways. Returns the id trimmed below, or `nil`.
    @discardableResult
    public func trimIngress(stream: String? = nil) async throws(BrokerError) -> String? {
        return try await BrokerError.mapping { () async throws(RedisError) in
            try await trim(stream ?? keys.ingress, group: keys.ingressGroup)
        }
    }

    /// Appends notices to a producer's results stream, in one round trip.
    public func announce(_ notices: [JobNotice], to results: ResultsStream) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            let commands = resultsCommands(results, notices)
            guard !commands.isEmpty else { return }
            for reply in try await redis.pipeline(commands) { _ = try reply.orThrow() }
        }
    }

    /// Makes sure a producer's results stream hears how an existing job ends: a
    /// job still running gets the stream as a watcher (atomically with its
    /// completion); a finished one is announced now. Returns `false` when the job is gone.
    public func announceWhenFinished(jobID: String, to results: ResultsStream) async throws(BrokerError) -> Bool {
        guard let status = try await watch(jobID: jobID, gateway: results.watcher) else { return false }
        guard status.isFinal else { return true }
        guard let record = try await job(jobID), let notice = JobNotice(record: record) else { return false }
        try await announce([notice], to: results)
        return true
    }
}
