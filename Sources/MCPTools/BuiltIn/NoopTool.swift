import MCPWire

/// `noop`: an async tool that returns `{}` at once; measures the queue's own
/// cost in benchmarks.
public struct NoopTool: Tool {
    /// `{}` only.
    public typealias Arguments = NoArguments

    /// `noop`.
    public static let name = "noop"
    /// Bounded and linear in its input: runs on the job's own task (no thread hop).
    public static let runsInline = true
    /// Catalog text.
    public static let description = "Does nothing and returns {} (async; for benchmarks)."
    /// Answered with a job id at once.
    public static let mode = ToolMode.async

    /// The tool.
    public init() {}

    /// `{}`.
    public func run(_ arguments: NoArguments, context: ToolContext) async throws -> JSONObject {
        [:]
    }
}
