/// The summary form of `XPENDING key group`.
public struct PendingSummary: Sendable, Equatable {
    /// Entries delivered and not yet acknowledged.
    public let count: Int
    /// The smallest and largest pending ids, `nil` when nothing is pending.
    public let smallestID: String?
    /// See ``smallestID``.
    public let largestID: String?
    /// Pending entries per consumer.
    public let consumers: [String: Int]

    public static func decode(_ value: RedisValue) throws(RedisError) -> PendingSummary {
        guard let parts = value.array, parts.count == 4, let count = parts[0].int64 else {
            throw RedisError(code: .unexpectedReply, message: "unexpected XPENDING summary \(value.shape)")
        }
        var consumers: [String: Int] = [:]
        for pair in parts[3].array ?? [] {
            if let items = pair.array, items.count == 2, let name = items[0].string, let n = items[1].int64 {
                consumers[name] = Int(n)
            }
        }
        return PendingSummary(count: Int(count), smallestID: parts[1].string, largestID: parts[2].string, consumers: consumers)
    }
}

/// One entry of the extended form of `XPENDING`.
public struct PendingEntry: Sendable, Equatable {
    /// The entry id.
    public let id: String
    /// The consumer that holds it.
    public let consumer: String
    /// Milliseconds since it was last delivered (or claimed).
    public let idleMillis: Int64
    /// How many times it has been delivered.
    public let deliveries: Int64

    public static func decodeList(_ value: RedisValue) throws(RedisError) -> [PendingEntry] {
        var entries = [PendingEntry]()
        for item in value.array ?? [] {
            guard let parts = item.array, parts.count == 4, let id = parts[0].string, let consumer = parts[1].string,
                  let idle = parts[2].int64, let deliveries = parts[3].int64 else {
                throw RedisError(code: .unexpectedReply, message: "unexpected XPENDING entry \(item.shape)")
            }
            entries.append(PendingEntry(id: id, consumer: consumer, idleMillis: idle, deliveries: deliveries))
        }
        return entries
    }
}

/// The reply of `XAUTOCLAIM`.
public struct AutoClaimResult: Sendable, Equatable {
    /// Where the next scan should start (`0-0` when the scan is complete).
    public let nextStart: String
    /// Entries now owned by the claiming consumer.
    public let entries: [StreamEntry]
    /// Pending ids whose entries no longer exist in the stream (removed from the PEL by Redis).
    public let deletedIDs: [String]

    public static func decode(_ value: RedisValue) throws(RedisError) -> AutoClaimResult {
        guard let parts = value.array, parts.count >= 2, let next = parts[0].string else {
            throw RedisError(code: .unexpectedReply, message: "unexpected XAUTOCLAIM reply \(value.shape)")
        }
        let deleted = parts.count > 2 ? (parts[2].array ?? []).compactMap(\.string) : []
        return AutoClaimResult(nextStart: next, entries: try StreamEntry.decodeList(parts[1]), deletedIDs: deleted)
    }

    /// Decodes the reply of `XAUTOCLAIM … JUSTID`: the claimed entries' ids (where ``entries`` would be).
    public static func decodeIDs(_ value: RedisValue) throws(RedisError) -> (nextStart: String, ids: [String]) {
        guard let parts = value.array, parts.count >= 2, let next = parts[0].string, let ids = parts[1].array else {
            throw RedisError(code: .unexpectedReply, message: "unexpected XAUTOCLAIM JUSTID reply \(value.shape)")
        }
        return (next, ids.compactMap(\.string))
    }
}

/// One consumer group, from `XINFO GROUPS`.
public struct StreamGroupInfo: Sendable, Equatable {
    /// The group name.
    public let name: String
    /// Number of consumers.
    public let consumers: Int
    /// Entries delivered and not acknowledged.
    public let pending: Int
    /// The last id delivered to the group.
    public let lastDeliveredID: String
    /// Entries not yet delivered to the group; `nil` when Redis cannot tell.
    public let lag: Int?
    /// Entries the group has read since it was created (Redis 7+); `nil` when Redis cannot tell.
    public let entriesRead: Int64?

    public static func decodeList(_ value: RedisValue) throws(RedisError) -> [StreamGroupInfo] {
        var groups = [StreamGroupInfo]()
        for item in value.array ?? [] {
            let map = RedisValue.pairs(item)
            guard let name = map["name"]?.string else {
                throw RedisError(code: .unexpectedReply, message: "unexpected XINFO GROUPS entry \(item.shape)")
            }
            groups.append(StreamGroupInfo(
                name: name,
                consumers: Int(map["consumers"]?.int64 ?? 0),
                pending: Int(map["pending"]?.int64 ?? 0),
                lastDeliveredID: map["last-delivered-id"]?.string ?? "0-0",
                lag: map["lag"]?.int64.map { Int($0) },
                entriesRead: map["entries-read"]?.int64))
        }
        return groups
    }
}

extension RedisValue {
    /// Reads a flat `[key, value, key, value…]` array into a dictionary.
    public static func pairs(_ value: RedisValue) -> [String: RedisValue] {
        var map: [String: RedisValue] = [:]
        let items = value.array ?? []
        var index = 0
        while index + 1 < items.count {
            if let key = items[index].string { map[key] = items[index + 1] }
            index += 2
        }
        return map
    }
}
