import RedisClient

/// What one pass of the retry promoter did and found, decoded from the
/// promote script's reply. The delayed set's scores are due times that any
/// Redis writer can set (`+inf`, `-inf`, 1e300), so a score is only trusted as
/// a due time within ``horizon`` of now; anything else is ``poison``.
public struct RetryPromotion: Sendable, Equatable {
    /// The next retry waiting in the delayed set.
    public enum Next: Sendable, Equatable {
        /// Due at this Unix time (ms), within ``RetryPromotion/horizon`` of now.
        case due(atMs: Int64)
        /// A score no backoff writes (not a finite number, or beyond the horizon): repair it.
        case poison(jobID: String, score: String)
    }

    /// How far ahead a retry may be due: backoffs are at most 5 minutes.
    public static let horizon = Duration.seconds(24 * 3600)

    /// How many jobs were re-published.
    public let published: Int
    /// The next waiting retry, `nil` when the delayed set is empty.
    public let next: Next?
    /// The partition whose delayed set holds `next`.
    public let partition: Int

    /// Creates a result.
    public init(published: Int, next: Next?, partition: Int = 0) {
        self.published = published
        self.next = next
        self.partition = partition
    }

    /// One pass over every partition: the sum of what was published, and the
    /// soonest next retry (a poison one first: it needs repair now).
    init(combining passes: [RetryPromotion]) {
        published = passes.reduce(0) { $0.addingReportingOverflow($1.published).partialValue }
        let poison = passes.first { if case .poison = $0.next { return true } else { return false } }
        let soonest = passes.filter { $0.nextDueMs != nil }.min { ($0.nextDueMs ?? .max) < ($1.nextDueMs ?? .max) }
        let chosen = poison ?? soonest
        next = chosen?.next
        partition = chosen?.partition ?? 0
    }

    /// Decodes `{published, next score or '-1', next job id or ''}` of partition `partition`'s delayed set.
    init(reply: RedisValue, nowMs: Int64, partition: Int = 0) {
        self.partition = partition
        let parts = reply.array ?? []
        published = parts.first.flatMap { $0.int64 }.map { Int(clamping: $0) } ?? 0
        let score = parts.count > 1 ? parts[1].string ?? "-1" : "-1"
        let jobID = parts.count > 2 ? parts[2].string ?? "" : ""
        guard !jobID.isEmpty else {
            next = nil
            return
        }
        let horizonMs = Self.horizon.components.seconds * 1000
        if let value = Double(score), value.isFinite, value <= Double(nowMs) + Double(horizonMs) {
            // A past due time (even -1e300) is simply due now.
            next = .due(atMs: value < Double(nowMs) ? nowMs : Int64(value.rounded(.up)))
        } else {
            next = .poison(jobID: jobID, score: score)
        }
    }

    /// When the next retry is due (Unix ms), `nil` when none waits or the next one is poison.
    public var nextDueMs: Int64? {
        if case .due(let ms) = next { return ms }
        return nil
    }
}
