/// What a worker says about itself every few seconds (`mcp:workers:<id>`).
public struct WorkerHeartbeat: Sendable {
    /// The worker's unique consumer name.
    public let workerID: String
    /// Host name.
    public let host: String
    /// Process id.
    public let pid: Int32
    /// When the worker started (Unix ms).
    public let startedMs: Int64
    /// Jobs running right now.
    public let inFlight: Int
    /// Most jobs it runs at once.
    public let concurrency: Int
    /// The MCPStreams version.
    public let version: String

    /// Creates a heartbeat.
    public init(workerID: String, host: String, pid: Int32, startedMs: Int64, inFlight: Int, concurrency: Int, version: String) {
        self.workerID = workerID
        self.host = host
        self.pid = pid
        self.startedMs = startedMs
        self.inFlight = inFlight
        self.concurrency = concurrency
        self.version = version
    }
}
