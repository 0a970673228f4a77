import RedisClient

extension Broker {
    /// Creates the `gateways` group on the ingress stream (and the stream) if
    /// missing. It starts at the stream's beginning, so envelopes produced
    /// before the first gateway ever ran are not skipped.
    public func ensureIngressGroup() async throws(RedisError) {
        try await redis.xgroupCreate(keys.ingress, group: keys.ingressGroup, startID: "0", makeStream: true)
    }

    /// Reads up to `count` ingress entries for a gateway: new ones, blocking up
    /// to `block`, or with `ownPending` the entries this gateway was given
    /// before and has not acknowledged (never blocking).
    /// Pass a client of its own (`reader`): a blocking read holds its connection.
    public func readIngress(using reader: RedisClient, consumer: String, count: Int, block: Duration, ownPending: Bool = false) async throws(RedisError) -> [IngressEntry] {
        let streams = try await reader.xreadgroup(
            group: keys.ingressGroup, consumer: consumer, streams: [(keys.ingress, ownPending ? "0" : ">")],
            count: count, block: ownPending ? nil : block)
        return streams.flatMap { $0.entries.map { IngressEntry($0, isRedelivery: ownPending) } }
    }

    /// Entries other gateways were given and left unacknowledged for longer
    /// than `lease` (the gateway died), claimed for `consumer`. XAUTOCLAIM's
    /// own idle check makes two reclaiming gateways race safely.
    public func reclaimIngress(consumer: String, lease: Duration, count: Int) async throws(RedisError) -> [IngressEntry] {
        let claimed = try await redis.xautoclaim(keys.ingress, group: keys.ingressGroup, consumer: consumer, minIdle: lease, count: count)
        return claimed.entries.map { IngressEntry($0, isRedelivery: true) }
    }

    /// Writes refusals to the reject stream (capped at about `rejectedMaxLength`),
    /// then acknowledges the settled entries, in one round trip. A crash between
    /// the two leaves the entry pending: it is settled again (at least once).
    public func settleIngress(acknowledging ids: [String], rejections: [IngressRejection], gateway: String, rejectedMaxLength: Int = 10_000) async throws(RedisError) {
        guard !ids.isEmpty || !rejections.isEmpty else { return }
        let now = String(UnixTime.nowMillis())
        var commands = rejections.map { rejection in
            RedisCommand.xadd(keys.ingressRejected, fields: [
                StreamField(name: "code", value: rejection.code),
                StreamField(name: "reason", value: rejection.reason),
                StreamField(name: "client_id", value: rejection.clientID),
                StreamField(name: "request_id", value: rejection.requestID),
                StreamField(name: "entry_id", value: rejection.entryID),
                StreamField(name: "gateway", value: gateway),
                StreamField(name: "rejected_ms", value: now),
            ], trim: .maxLength(rejectedMaxLength))
        }
        let acknowledged = Set(ids).union(rejections.map(\.entryID))
        commands.append(.xack(keys.ingress, group: keys.ingressGroup, ids: acknowledged.sorted()))
        for reply in try await redis.pipeline(commands) { _ = try reply.orThrow() }
    }

    /// Trims the ingress stream below the oldest entry that is still pending or
    /// not yet delivered to the gateways. Returns the id trimmed below, or `nil`.
    @discardableResult
    public func trimIngress() async throws(RedisError) -> String? {
        try await trim(keys.ingress, group: keys.ingressGroup)
    }
}
