extension RedisClient {
    /// Appends an entry and returns its id.
    @discardableResult
    public func xadd(_ key: String, id: String = "*", fields: [StreamField], trim: StreamTrim? = nil) async throws(RedisError) -> String {
        let reply = try await send(.xadd(key, id: id, fields: fields, trim: trim))
        guard let id = reply.string else { throw RedisError(code: .unexpectedReply, message: "XADD returned \(reply.shape)") }
        return id
    }

    /// Creates a consumer group (and the stream); returns `false` if the group already existed (BUSYGROUP).
    @discardableResult
    public func xgroupCreate(_ key: String, group: String, startID: String = "$", makeStream: Bool = true) async throws(RedisError) -> Bool {
        let reply = try await pipeline([.xgroupCreate(key, group: group, startID: startID, makeStream: makeStream)])[0]
        if let message = reply.errorMessage, message.hasPrefix("BUSYGROUP") { return false }
        _ = try reply.orThrow()
        return true
    }

    /// Reads new (`>`) or pending (`0`) entries for a consumer; `[]` when the block time passes with nothing.
    public func xreadgroup(group: String, consumer: String, streams: [(key: String, id: String)], count: Int? = nil, block: Duration? = nil, noAck: Bool = false) async throws(RedisError) -> [(stream: String, entries: [StreamEntry])] {
        let reply = try await send(.xreadgroup(group: group, consumer: consumer, streams: streams, count: count, block: block, noAck: noAck))
        return try Self.decodeStreams(reply)
    }

    /// Reads entries after the given ids without a group; `[]` when the block time passes.
    public func xread(streams: [(key: String, id: String)], count: Int? = nil, block: Duration? = nil) async throws(RedisError) -> [(stream: String, entries: [StreamEntry])] {
        let reply = try await send(.xread(streams: streams, count: count, block: block))
        return try Self.decodeStreams(reply)
    }

    /// Acknowledges entries; returns how many were pending.
    @discardableResult
    public func xack(_ key: String, group: String, ids: [String]) async throws(RedisError) -> Int {
        Int(try await send(.xack(key, group: group, ids: ids)).int64 ?? 0)
    }

    /// Claims entries idle for at least `minIdle`, scanning from `start`.
    public func xautoclaim(_ key: String, group: String, consumer: String, minIdle: Duration, start: String = "0-0", count: Int? = nil) async throws(RedisError) -> AutoClaimResult {
        try AutoClaimResult.decode(await send(.xautoclaim(key, group: group, consumer: consumer, minIdle: minIdle, start: start, count: count)))
    }

    /// As ``xautoclaim(_:group:consumer:minIdle:start:count:)`` with `JUSTID`: the claimed entries' ids
    /// only, a reply of a few bytes however large the entries are.
    public func xautoclaimIDs(_ key: String, group: String, consumer: String, minIdle: Duration, count: Int? = nil) async throws(RedisError) -> [String] {
        try AutoClaimResult.decodeIDs(await send(.xautoclaim(key, group: group, consumer: consumer, minIdle: minIdle, count: count, justID: true))).ids
    }

    /// Claims specific entries idle for at least `minIdle`; returns those now owned (ids only when `justID`).
    public func xclaim(_ key: String, group: String, consumer: String, minIdle: Duration, ids: [String], justID: Bool = false) async throws(RedisError) -> [String] {
        let reply = try await send(.xclaim(key, group: group, consumer: consumer, minIdle: minIdle, ids: ids, justID: justID))
        if justID { return (reply.array ?? []).compactMap(\.string) }
        return try StreamEntry.decodeList(reply).map(\.id)
    }

    /// The pending summary of a group.
    public func xpendingSummary(_ key: String, group: String) async throws(RedisError) -> PendingSummary {
        try PendingSummary.decode(await send(.xpendingSummary(key, group: group)))
    }

    /// Pending entries of a group, optionally for one consumer or above an idle time.
    public func xpending(_ key: String, group: String, minIdle: Duration? = nil, start: String = "-", end: String = "+", count: Int, consumer: String? = nil) async throws(RedisError) -> [PendingEntry] {
        try PendingEntry.decodeList(await send(.xpending(key, group: group, minIdle: minIdle, start: start, end: end, count: count, consumer: consumer)))
    }

    /// Entries between two ids.
    public func xrange(_ key: String, start: String = "-", end: String = "+", count: Int? = nil) async throws(RedisError) -> [StreamEntry] {
        try StreamEntry.decodeList(await send(.xrange(key, start: start, end: end, count: count)))
    }

    /// The consumer groups of a stream.
    public func xinfoGroups(_ key: String) async throws(RedisError) -> [StreamGroupInfo] {
        try StreamGroupInfo.decodeList(await send(.xinfoGroups(key)))
    }

    /// `XINFO STREAM` as a field map (`length`, `last-generated-id`, `first-entry`, …).
    public func xinfoStream(_ key: String) async throws(RedisError) -> [String: RedisValue] {
        RedisValue.pairs(try await send(.xinfoStream(key)))
    }

    /// Decodes `[[stream, [entries]], …]` (nil when a block timed out).
    public static func decodeStreams(_ reply: RedisValue) throws(RedisError) -> [(stream: String, entries: [StreamEntry])] {
        if reply.isNull { return [] }
        guard let streams = reply.array else { throw RedisError(code: .unexpectedReply, message: "unexpected stream read reply \(reply.shape)") }
        var result = [(stream: String, entries: [StreamEntry])]()
        for item in streams {
            guard let pair = item.array, pair.count == 2, let name = pair[0].string else {
                throw RedisError(code: .unexpectedReply, message: "unexpected stream read item \(item.shape)")
            }
            result.append((name, try StreamEntry.decodeList(pair[1])))
        }
        return result
    }
}
