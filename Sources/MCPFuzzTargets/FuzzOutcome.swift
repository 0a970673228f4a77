/// How one fuzz input ended, for the regression replay to compare against.
public enum FuzzOutcome: Sendable, Equatable, CustomStringConvertible {
    /// Every stage accepted the input.
    case accepted
    /// A stage refused it with a typed error; the code names it (`malformed`, `stale_request`).
    case rejected(String)

    /// `accepted` or `rejected:<code>`, as written in `Fuzz/crashes/EXPECTED`.
    public var description: String {
        switch self {
        case .accepted: return "accepted"
        case .rejected(let code): return "rejected:\(code)"
        }
    }
}
