import Synchronization

/// Which capped, expiring streams (gateways' reply streams, producers' results
/// streams) had their TTL set recently, so a notice's `XADD` carries a
/// `PEXPIRE` only when a tenth of the TTL has passed since this process last
/// sent one for that stream: one command per job saved on the hot path, and a
/// stream still expires between 0.9 and 1 TTL after its last write.
final class ExpiryRefresh: Sendable {
    /// Streams remembered at most; past it the memory starts over (each stream then gets one early refresh).
    static let capacity = 4_096

    private let lastRefresh = Mutex<[String: ContinuousClock.Instant]>([:])

    /// Whether `stream` needs its TTL set now; records that it gets it.
    func isDue(_ stream: String, ttl: Duration, now: ContinuousClock.Instant = .now) -> Bool {
        lastRefresh.withLock { last in
            if let previous = last[stream], now - previous < ttl / 10 { return false }
            if last.count >= Self.capacity { last.removeAll(keepingCapacity: true) }
            last[stream] = now
            return true
        }
    }
}
