/// A worker with a current heartbeat, as its hash `mcp:workers:<id>` says.
public struct LiveWorker: Sendable, Equatable {
    /// The worker id (its consumer name).
    public let workerID: String
    /// Host name.
    public let host: String
    /// Process id.
    public let pid: Int64
    /// Jobs it runs right now.
    public let inFlight: Int
    /// Most jobs it runs at once.
    public let concurrency: Int
    /// Its last heartbeat (Unix ms).
    public let beatMs: Int64
    /// When it started (Unix ms).
    public let startedMs: Int64
    /// Its MCPStreams version.
    public let version: String

    /// Reads a heartbeat hash; `nil` when it has expired (empty) or is no heartbeat (no `beat_ms`
    /// time: a writer's junk, or a half-written hash, which would show as a beat decades ago).
    public init?(workerID: String, fields: [String: String]) {
        guard !fields.isEmpty, Int64(fields["beat_ms"] ?? "") != nil else { return nil }
        self.workerID = workerID
        host = fields["host"] ?? ""
        pid = Int64(fields["pid"] ?? "") ?? 0
        inFlight = Int(fields["in_flight"] ?? "") ?? 0
        concurrency = Int(fields["concurrency"] ?? "") ?? 0
        beatMs = Int64(fields["beat_ms"] ?? "") ?? 0
        startedMs = Int64(fields["started_ms"] ?? "") ?? 0
        version = fields["version"] ?? ""
    }
}
