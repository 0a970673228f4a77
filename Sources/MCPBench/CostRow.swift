/// Redis cost per job of one kind of call, from `INFO` before and after.
public struct CostRow: Sendable, Codable, Equatable {
    /// What ran, e.g. `async noop (e2e)`.
    public var name: String
    /// Jobs the counters are divided by.
    public var jobs: Int
    /// Read events Redis processed per job: round trips, pipelined batches counted once.
    public var roundTripsPerJob: Double
    /// Commands Redis processed per job (commands inside Lua scripts included).
    public var commandsPerJob: Double
    /// Calls per job by command name, largest first.
    public var callsPerJob: [String: Double]
    /// Redis CPU microseconds per job.
    public var redisCPUMicrosPerJob: Double

    /// Creates a row.
    public init(name: String, jobs: Int, roundTripsPerJob: Double, commandsPerJob: Double, callsPerJob: [String: Double], redisCPUMicrosPerJob: Double) {
        self.name = name
        self.jobs = jobs
        self.roundTripsPerJob = roundTripsPerJob
        self.commandsPerJob = commandsPerJob
        self.callsPerJob = callsPerJob
        self.redisCPUMicrosPerJob = redisCPUMicrosPerJob
    }
}
