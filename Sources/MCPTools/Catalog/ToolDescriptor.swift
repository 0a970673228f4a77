import MCPWire

/// What a worker publishes about a tool (in `mcp:tools`) and the gateway
/// reads back to validate and route calls.
///
/// Serialized by `json()` as
/// `{"name","description","mode","timeout_ms","sync_budget_ms","max_attempts","retry_backoff_ms","input_schema"}`;
/// durations travel as whole milliseconds, so a sub-millisecond part is lost.
public struct ToolDescriptor: Sendable, Equatable {
    /// The tool's name.
    public var name: String
    /// The tool's one-sentence description.
    public var description: String
    /// `sync` or `async`.
    public var mode: ToolMode
    /// The longest one attempt may run.
    public var timeout: Duration
    /// How long the gateway waits for a `sync` result.
    public var syncBudget: Duration
    /// Attempts in all before dead-lettering.
    public var maxAttempts: Int
    /// The first wait before a retry (doubling, with jitter).
    public var retryBackoff: Duration
    /// The JSON Schema of `args`.
    public var inputSchema: JSONValue

    /// Creates a descriptor from its parts.
    public init(
        name: String,
        description: String,
        mode: ToolMode,
        timeout: Duration,
        syncBudget: Duration,
        maxAttempts: Int,
        retryBackoff: Duration = .seconds(1),
        inputSchema: JSONValue
    ) {
        self.name = name
        self.description = description
        self.mode = mode
        self.timeout = timeout
        self.syncBudget = syncBudget
        self.maxAttempts = maxAttempts
        self.retryBackoff = retryBackoff
        self.inputSchema = inputSchema
    }

    /// The descriptor of tool type `T`, from its static members.
    public static func describing<T: Tool>(_: T.Type) -> ToolDescriptor {
        ToolDescriptor(
            name: T.name,
            description: T.description,
            mode: T.mode,
            timeout: T.timeout,
            syncBudget: T.syncBudget,
            maxAttempts: T.maxAttempts,
            retryBackoff: T.retryBackoff,
            inputSchema: T.Arguments.schema
        )
    }
}
