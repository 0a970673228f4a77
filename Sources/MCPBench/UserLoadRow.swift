/// One workload as users run it (a closed loop of N clients, or one producer
/// through ingress): what it achieved and what each job cost the server.
public struct UserLoadRow: Sendable, Codable, Equatable {
    /// What ran, e.g. `HTTP batch_sum, 16 clients` or `ingress, 1 producer`.
    public var workload: String
    /// Jobs answered.
    public var jobs: Int
    /// Jobs per second (closed loop: over the phase; ingress: first XADD → last answer).
    public var perSecond: Double
    /// Per-job latency (closed loop: request → answer; ingress: XADD → answer read).
    public var latency: LatencySummary?
    /// CPU of the gateway and workers per job, in µs.
    public var serverCPUMicrosPerJob: Double
    /// Redis's CPU per job (INFO `used_cpu_*`), in µs.
    public var redisCPUMicrosPerJob: Double
    /// Redis commands per job, the bench's own excluded.
    public var commandsPerJob: Double
    /// Resident memory of the gateway and workers at the end of the phase, in bytes.
    public var serverRSSBytes: Int
    /// The generator's own CPU share of one core (it shares the machine).
    public var generatorCPU: Double

    /// Creates a row.
    public init(
        workload: String, jobs: Int, perSecond: Double, latency: LatencySummary?, serverCPUMicrosPerJob: Double,
        redisCPUMicrosPerJob: Double, commandsPerJob: Double, serverRSSBytes: Int, generatorCPU: Double
    ) {
        self.workload = workload
        self.jobs = jobs
        self.perSecond = perSecond
        self.latency = latency
        self.serverCPUMicrosPerJob = serverCPUMicrosPerJob
        self.redisCPUMicrosPerJob = redisCPUMicrosPerJob
        self.commandsPerJob = commandsPerJob
        self.serverRSSBytes = serverRSSBytes
        self.generatorCPU = generatorCPU
    }
}
