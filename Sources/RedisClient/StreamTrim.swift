/// How XADD trims the stream it appends to.
public enum StreamTrim: Sendable, Equatable {
    /// Keep about (approximate) or exactly this many entries: `MAXLEN [~] n`.
    case maxLength(Int, approximate: Bool = true)
    /// Drop entries with ids below this one: `MINID [~] id`.
    case minID(String, approximate: Bool = true)

    /// The words XADD takes for this trim (`MAXLEN ~ n`), for a function that appends itself.
    public var arguments: [String] {
        switch self {
        case .maxLength(let count, let approximate): return ["MAXLEN", approximate ? "~" : "=", String(count)]
        case .minID(let id, let approximate): return ["MINID", approximate ? "~" : "=", id]
        }
    }
}
