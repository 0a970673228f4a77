import Logging
import Synchronization

/// Keeps a failure that repeats from flooding the log: for each subject (a stream, a
/// partition), a warning the first time, whenever the cause changes, and then at most
/// once per window while it lasts; the repeats in between go out at debug level, and
/// the next warning says how many there were.
public final class RepeatedWarning: Sendable {
    private struct Subject {
        var cause: String
        var nextWarning: ContinuousClock.Instant
        var heldBack: Int
    }

    /// At most this many subjects are remembered; past it every failure is a warning (bounded memory).
    static let maxSubjects = 1_024

    private let window: Duration
    private let subjects = Mutex<[String: Subject]>([:])

    /// Warnings for one subject at most once per `window` (default 60 s) while the cause stays the same.
    public init(window: Duration = .seconds(60)) {
        self.window = window
    }

    /// The level to log this failure of `subject` at, and how many repeats were logged at debug
    /// since its last warning. `cause` is the kind of failure (its first words, not its changing details).
    public func level(for subject: String, cause: some StringProtocol) -> (level: Logger.Level, heldBack: Int) {
        let now = ContinuousClock.now
        let cause = String(cause.prefix(64))
        return subjects.withLock { subjects in
            guard var known = subjects[subject] else {
                if subjects.count < Self.maxSubjects { subjects[subject] = Subject(cause: cause, nextWarning: now + window, heldBack: 0) }
                return (.warning, 0)
            }
            guard known.cause == cause, now < known.nextWarning else {
                let heldBack = known.heldBack
                known = Subject(cause: cause, nextWarning: now + window, heldBack: 0)
                subjects[subject] = known
                return (.warning, heldBack)
            }
            known.heldBack += known.heldBack < Int.max ? 1 : 0
            subjects[subject] = known
            return (.debug, known.heldBack)
        }
    }

    /// The kind of a failure, to pass as `cause`: a broker error's code and Redis's word
    /// (`connection`, `server: OOM`), else the first words of its description.
    public static func cause(of error: any Error) -> String {
        (error as? BrokerError)?.publicSummary ?? String("\(error)".prefix(48))
    }

    /// Forgets `subject`'s failure: its next one is a warning again.
    public func recovered(_ subject: String) {
        _ = subjects.withLock { $0.removeValue(forKey: subject) }
    }
}
