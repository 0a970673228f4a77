import Foundation
import MCPBroker
import MCPWire
import RedisClient

/// Renders one reading for people (a screen of aligned text) or scripts (one JSON object).
struct StatsScreen {
    let stats: QueueStats
    let rates: StatsRates?
    let prefix: String
    /// Each node's `maxmemory-policy` (``Broker/evictionPolicies()``); empty when this user may not run `INFO`.
    var policies: [String: EvictionPolicy] = [:]

    /// The screen as text.
    func text() -> String {
        var lines = [String]()
        let time = Date(timeIntervalSince1970: Double(stats.takenMs) / 1000).formatted(.iso8601)
        lines.append("MCPStreams stats  prefix \(prefix)  \(time)")
        lines.append("")
        lines.append("backlog        \(stats.backlog)  (lag \(stats.lag.map(String.init) ?? "?") not yet read, pending \(stats.pending) read and unacknowledged)")
        lines.append("job stream     \(stats.streamLength) entries, \(stats.entriesAdded.map(String.init) ?? "?") ever added")
        if let rates {
            let window = rates.windowSeconds >= 10 ? String(Int(rates.windowSeconds.rounded())) : String(format: "%.1f", rates.windowSeconds)
            lines.append("jobs/s         published \(Self.rate(rates.publishedPerSecond))  acked \(Self.rate(rates.ackedPerSecond))  (over the last \(window) s)")
        }
        lines.append("retries        \(stats.retriesWaiting) waiting for their backoff")
        lines.append("dead letters   \(stats.deadLetters)")
        for key in stats.unreadable {
            lines.append("UNREADABLE     \(Self.shown(key))  (counted as empty: docs/operations.md, \"Poison values\")")
        }
        lines.append("ingress        lag \(stats.ingressLag.map(String.init) ?? "-")  pending \(stats.ingressPending)  rejected \(stats.ingressRejected)  (\(stats.ingressLength) entries)")
        if policies.isEmpty { lines.append("redis          maxmemory-policy not checked (this Redis user may not run INFO)") }
        for (node, policy) in policies.sorted(by: { $0.key < $1.key }) {
            if let risk = policy.risk {
                lines.append("WARNING        \(Self.shown(node)) has maxmemory-policy \(policy): \(risk); set noeviction")
            } else {
                lines.append("redis          maxmemory-policy \(policy)  (\(Self.shown(node)))")
            }
        }
        lines.append("")
        lines.append("consumers (group workers): \(stats.consumers.count)")
        if !stats.consumers.isEmpty {
            lines += Self.table(
                ["consumer", "pending", "idle"],
                stats.consumers.map { [Self.shown($0.name), String($0.pending), Self.age($0.idleMillis)] })
        }
        lines.append("")
        let inFlight = stats.workers.reduce(0) { $0 + $1.inFlight }
        let capacity = stats.workers.reduce(0) { $0 + $1.concurrency }
        lines.append("live workers: \(stats.workers.count)  (in flight \(inFlight)/\(capacity))")
        if !stats.workers.isEmpty {
            lines += Self.table(
                ["worker", "host", "pid", "in flight", "last beat", "version"],
                stats.workers.map {
                    [Self.shown($0.workerID), Self.shown($0.host), String($0.pid), "\($0.inFlight)/\($0.concurrency)", Self.age(stats.takenMs - $0.beatMs) + " ago",
                     Self.shown($0.version)]
                })
        }
        return lines.joined(separator: "\n")
    }

    /// The reading as one JSON object (canonical: sorted keys, one line).
    func json() -> String {
        func int(_ value: Int) -> JSONValue { .integer(JSONInteger(Int64(value))) }
        func int64(_ value: Int64?) -> JSONValue { value.map { .integer(JSONInteger($0)) } ?? .null }
        func number(_ value: Double?) -> JSONValue { value.map { .float(($0 * 100).rounded() / 100) } ?? .null }
        let object: JSONObject = [
            "taken_ms": int64(stats.takenMs),
            "prefix": .string(prefix),
            "backlog": int(stats.backlog),
            "lag": int64(stats.lag.map(Int64.init)),
            "pending": int(stats.pending),
            "stream_length": int(stats.streamLength),
            "entries_added": int64(stats.entriesAdded),
            "entries_read": int64(stats.entriesRead),
            "rates": rates.map { rates -> JSONValue in
                .object([
                    "window_s": number(rates.windowSeconds),
                    "published_per_s": number(rates.publishedPerSecond),
                    "acked_per_s": number(rates.ackedPerSecond),
                ])
            } ?? .null,
            "retries_waiting": int(stats.retriesWaiting),
            "unreadable": .array(stats.unreadable.map { .string($0) }),
            "dead_letters": int(stats.deadLetters),
            "maxmemory_policy": .object(JSONObject(policies.sorted(by: { $0.key < $1.key }).map { ($0.key, .string($0.value.description)) })),
            "ingress": .object([
                "length": int(stats.ingressLength),
                "lag": int64(stats.ingressLag.map(Int64.init)),
                "pending": int(stats.ingressPending),
                "rejected": int(stats.ingressRejected),
            ]),
            "consumers": .array(stats.consumers.map {
                .object(["name": .string($0.name), "pending": int($0.pending), "idle_ms": int64($0.idleMillis)])
            }),
            "workers": .array(stats.workers.map {
                .object([
                    "id": .string($0.workerID), "host": .string($0.host), "pid": int64($0.pid),
                    "in_flight": int($0.inFlight), "concurrency": int($0.concurrency),
                    "beat_age_ms": int64(stats.takenMs - $0.beatMs), "version": .string($0.version),
                ])
            }),
        ]
        return CanonicalJSON.string(.object(object))
    }

    /// A name read from Redis (anyone who can write Redis chose it) as the screen shows it: control
    /// characters as `?` (no escape sequence reaches the terminal), at most 80 characters.
    static func shown(_ name: String) -> String {
        RedisError.printable(name, limit: 80)
    }

    static func rate(_ value: Double?) -> String {
        value.map { String(format: "%.1f", $0) } ?? "?"
    }

    static func age(_ millis: Int64) -> String {
        millis < 10_000 ? String(format: "%.1fs", Double(max(0, millis)) / 1000) : "\(millis / 1000)s"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.map { "  " + $0 }
    }
}
