/// Resident memory of one process the bench started.
public struct MemoryRow: Sendable, Codable, Equatable {
    /// `gateway`, `worker-0`, ….
    public var process: String
    /// RSS once started, before any load, in bytes.
    public var idleBytes: Int
    /// Peak RSS (`VmHWM`) at the end of the run, in bytes.
    public var peakBytes: Int

    /// Creates a row.
    public init(process: String, idleBytes: Int, peakBytes: Int) {
        self.process = process
        self.idleBytes = idleBytes
        self.peakBytes = peakBytes
    }
}
