/// How the gateway answers a call to a tool (DESIGN.md §5).
public enum ToolMode: String, Sendable {
    /// The gateway waits up to the tool's `syncBudget` for the result and
    /// answers `status: "ok"` with it; past the budget it answers `accepted`.
    case sync
    /// The gateway answers `accepted` with the job id at once; the client polls.
    case async
}
