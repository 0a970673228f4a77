import MCPTools
import MCPWire

/// The tools the gateway answers itself, without a worker.
enum ControlTool: String, CaseIterable {
    case serverIdentity = "server_identity"
    case pollJob = "poll_job"
    case cancelJob = "cancel_job"

    /// How the tool appears in `GET /v1/tools`.
    var descriptor: ToolDescriptor {
        switch self {
        case .serverIdentity:
            return ToolDescriptor(
                name: rawValue, description: "This deployment's server id, key fingerprint and capabilities.",
                mode: .sync, timeout: .seconds(1), syncBudget: .seconds(1), maxAttempts: 1,
                inputSchema: ["type": "object", "properties": [:], "additionalProperties": false])
        case .pollJob:
            return ToolDescriptor(
                name: rawValue, description: "The status, progress and result of one of your jobs, by job_id or request_id.",
                mode: .sync, timeout: .seconds(1), syncBudget: .seconds(1), maxAttempts: 1,
                inputSchema: [
                    "type": "object",
                    "properties": ["job_id": ["type": "string"], "request_id": ["type": "string"]],
                    "additionalProperties": false,
                ])
        case .cancelJob:
            return ToolDescriptor(
                name: rawValue, description: "Cancel one of your jobs: a queued job never runs, a running one is stopped.",
                mode: .sync, timeout: .seconds(1), syncBudget: .seconds(1), maxAttempts: 1,
                inputSchema: [
                    "type": "object", "properties": ["job_id": ["type": "string"]],
                    "required": ["job_id"], "additionalProperties": false,
                ])
        }
    }

    /// Whether every client may call this tool whatever its tool list says:
    /// `poll_job` and `cancel_job`, which act only on the caller's own jobs
    /// (a client allowed only an async tool must still be able to poll it).
    var isImpliedForEveryClient: Bool {
        self != .serverIdentity
    }
}
