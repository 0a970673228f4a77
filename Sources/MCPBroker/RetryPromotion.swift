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

    /// Creates a result.
    public init(published: Int, next: Next?) {
        self.published = published
        self.next = next
    }

    /// Decodes `{published, next score or '-1', next job id or ''}`.
    init(reply: RedisValue, nowMs: Int64) {
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
