import Synchronization

/// A bound on the envelope bytes a gateway verifies and handles at once.
///
/// An envelope's signature covers its canonical JSON, so the whole body is
/// parsed before anyone is authenticated, and a parsed tree takes several
/// times the body's size. The body limit bounds one request; this bounds them
/// all together, so a burst of large unauthenticated bodies cannot take the
/// gateway's memory: past it, a request is answered 429 `overloaded` at once
/// (ingress entries wait in their stream and are retried).
final class InFlightBodies: Sendable {
    /// The most body bytes handled at once; never below one body at the limit.
    let limit: Int
    private let used = Mutex(0)

    /// Creates a budget of `limit` bytes (raised to `bodyLimit` when lower, so any allowed body fits alone).
    init(limit: Int, bodyLimit: Int) {
        self.limit = max(limit, bodyLimit, 1)
    }

    /// Takes `bytes` from the budget; false when they do not fit beside what is in flight.
    func acquire(_ bytes: Int) -> Bool {
        used.withLock { used in
            guard bytes <= limit - used else { return false }
            used += bytes
            return true
        }
    }

    /// Returns bytes taken by ``acquire(_:)``.
    func release(_ bytes: Int) {
        used.withLock { used in used = max(0, used - bytes) }
    }

    /// Bytes in flight now.
    var inFlight: Int { used.withLock { $0 } }
}
