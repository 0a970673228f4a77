/// How one fuzz input ended, for the regression replay to compare against.
public enum FuzzOutcome: Sendable, Equatable, CustomStringConvertible {
    /// Every stage accepted the input.
    case accepted
    /// A stage refused it with a typed error; the code names it (`malformed`, `stale_request`).
    case rejected(String)
    /// The input reaches a trap someone else is fixing (``KnownTrap``); the harness stopped before it.
    case knownTrap(String)

    /// `accepted`, `rejected:<code>` or `known-trap:<name>`, as written in `Fuzz/crashes/EXPECTED`.
    public var description: String {
        switch self {
        case .accepted: return "accepted"
        case .rejected(let code): return "rejected:\(code)"
        case .knownTrap(let name): return "known-trap:\(name)"
        }
    }
}
