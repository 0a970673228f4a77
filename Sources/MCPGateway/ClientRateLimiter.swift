import Synchronization

/// A per-client token bucket in front of the job store: one client can fill
/// neither Redis (every request stores a nonce for the replay window) nor the
/// queue. Checked after authentication, so only key-ring clients have buckets
/// (the map is bounded by the key ring) and a forged `client_id` spends nobody's
/// tokens. Each gateway keeps its own buckets: N gateways allow N × the rate.
final class ClientRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// Requests per second each client may make through this gateway; 0 disables the limit.
    let ratePerSecond: Double
    /// How many requests a client may make at once after being idle.
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    /// Creates a limiter; `ratePerSecond` 0 admits everything.
    init(ratePerSecond: Double, burst: Double) {
        self.ratePerSecond = max(0, ratePerSecond.isFinite ? ratePerSecond : 0)
        self.burst = max(1, burst.isFinite ? burst : 1)
    }

    /// Takes one token for `client`; returns `nil` when admitted, else the
    /// whole seconds until a token is due (for `Retry-After`).
    func admit(_ client: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard ratePerSecond > 0 else { return nil }
        return buckets.withLock { buckets -> Int? in
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + max(0, seconds) * ratePerSecond)
            bucket.updated = now
            defer { buckets[client] = bucket }
            guard bucket.tokens >= 1 else {
                let wait = (1 - bucket.tokens) / ratePerSecond
                return Int(min(60, max(1, wait.rounded(.up))))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
