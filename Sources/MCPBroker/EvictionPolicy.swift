/// What a Redis node does when it reaches `maxmemory` (its `maxmemory-policy`, read from `INFO memory`).
///
/// Only `noeviction` is safe for a job store: every other policy lets Redis delete keys under memory
/// pressure — `allkeys-*` any key (queued jobs and their stream entries: jobs lost), `volatile-*` keys
/// with an expiry (nonces and request records: replays and retried request ids accepted as new jobs).
public enum EvictionPolicy: Sendable, Equatable, CustomStringConvertible {
    /// `noeviction`: a full Redis refuses writes, and the gateway answers 503 instead of losing anything.
    case noEviction
    /// Any other policy, by its name (`allkeys-lru`, `volatile-ttl`, …).
    case evicts(String)
    /// The node answered `INFO` without a policy this release can read (an error, or text of
    /// another shape): it may evict, so it is reported, never taken for `noeviction`.
    case unreadable

    /// Reads the policy from the text of `INFO memory` (or `INFO all`); `nil` when the text has no
    /// `maxmemory_policy` line of a policy's shape (lower-case letters and `-`, at most 32 bytes).
    public init?(info text: String) {
        guard let line = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("maxmemory_policy:") }) else { return nil }
        let name = line.dropFirst("maxmemory_policy:".count).trimmingCharacters(in: " \r")
        guard !name.isEmpty, name.utf8.count <= 32, name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }) else { return nil }
        self = name == "noeviction" ? .noEviction : .evicts(name)
    }

    /// The policy's name as Redis spells it.
    public var description: String {
        switch self {
        case .noEviction: "noeviction"
        case .evicts(let name): name
        case .unreadable: "unreadable"
        }
    }

    /// What the policy would do to a deployment's keys, for an operator.
    public var risk: String? {
        switch self {
        case .noEviction: nil
        case .unreadable:
            "its INFO names no maxmemory-policy this release can read, so it may evict keys: check it with CONFIG GET maxmemory-policy"
        case .evicts(let name) where name.hasPrefix("volatile-"):
            "under memory pressure Redis deletes keys that have an expiry: nonces and request records, so replays and retried request ids would be accepted as new jobs, and finished jobs' records and answers before their retention ends"
        case .evicts:
            "under memory pressure Redis deletes any key: queued jobs and their stream entries would be lost, nonces and request records forgotten"
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view = view.dropFirst() }
        while let last = view.last, set.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
