/// The two MCP protocol generations `/mcp` speaks, chosen per request.
enum MCPProtocol: String, Sendable, CaseIterable {
    /// Handshake (`initialize`), Tasks in core (`params.task`, `tasks/get|result|cancel`).
    case v2025_11_25 = "2025-11-25"
    /// No handshake (`server/discover`), per-request `_meta`, Tasks as the `io.modelcontextprotocol/tasks` extension.
    case v2026_07_28 = "2026-07-28"

    /// Versions a client may name in `initialize` that this server answers as 2025-11-25.
    static let handshakeVersions = ["2025-11-25", "2025-06-18", "2025-03-26"]

    /// The `_meta` key of the protocol version in 2026-07-28 requests.
    static let versionMetaKey = "io.modelcontextprotocol/protocolVersion"
    /// The `_meta` key of the client capabilities in 2026-07-28 requests.
    static let capabilitiesMetaKey = "io.modelcontextprotocol/clientCapabilities"
    /// The Tasks extension's identifier.
    static let tasksExtension = "io.modelcontextprotocol/tasks"
    /// The `_meta` key tying a `tasks/result` answer to its task.
    static let relatedTaskMetaKey = "io.modelcontextprotocol/related-task"
}
