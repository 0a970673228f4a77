import Foundation
import MCPBroker

/// Everything a worker needs to run, with documented defaults.
public struct WorkerConfiguration: Sendable {
    /// How to reach Redis.
    public var redis: BrokerConnection
    /// Redis key names and retention (the prefix must match the gateways').
    public var broker: BrokerConfiguration
    /// Jobs this worker runs at once. Default 16.
    public var concurrency: Int
    /// This worker's unique consumer name. Default `<host>-<pid>-<random>`.
    public var workerID: String
    /// How long one stream read blocks when there is nothing to do (a stopping worker
    /// interrupts it; reclaim checks wait for it to end). Default 2 s.
    public var readBlock: Duration
    /// How often the heartbeat (and catalog) is written. Default 2 s.
    public var heartbeatInterval: Duration
    /// How often running jobs are checked for cancellation requests. Default 250 ms.
    public var cancelCheckInterval: Duration
    /// How long in-flight jobs may run on after SIGTERM before the worker leaves them for others. Default 25 s.
    public var grace: Duration
    /// How long a job's stream entry may go without a lease renewal before a
    /// live worker reclaims it (its worker died or hung). Renewed every third
    /// of this while the job runs, so a long job on a live worker is never stolen. Default 30 s.
    public var lease: Duration
    /// Deliveries after which a job that never finishes (its worker keeps dying) is dead-lettered. Default 5.
    public var maxDeliveries: Int
    /// The longest the delayed set goes unread: a worker sleeps until the next retry is
    /// due and wakes early when it schedules one itself, so this bounds only how late a
    /// retry scheduled by another worker can be re-published. Default 1 s.
    public var promoteInterval: Duration
    /// The longest an idle worker goes without reading the delayed sets while they
    /// are all empty (its poll doubles from ``promoteInterval`` up to this): it bounds
    /// how late a retry is re-published whose worker died right after scheduling it. Default 8 s.
    public var idlePromoteInterval: Duration
    /// How often the stream is trimmed below its oldest unfinished entry. Default 10 s.
    public var trimInterval: Duration
    /// Threads that run tools, apart from the worker's own housekeeping (see
    /// `ToolThreadPool`): CPU-bound tools use at most this many cores at once.
    /// Default: the number of cores.
    public var toolThreads: Int

    // MARK: The documented defaults, each in one place: the initializer, the
    // command-line options and docs/configuration.md (generated from --help) read them.

    /// Default jobs run at once.
    public static let defaultConcurrency = 16
    /// Default time in-flight jobs may finish after SIGTERM.
    public static let defaultGrace: Duration = .seconds(25)
    /// Default lease of a running job.
    public static let defaultLease: Duration = .seconds(30)
    /// Default deliveries before a job that never finishes is dead-lettered.
    public static let defaultMaxDeliveries = 5

    /// Creates a configuration with the documented defaults.
    public init(
        redis: BrokerConnection,
        broker: BrokerConfiguration = BrokerConfiguration(),
        concurrency: Int = Self.defaultConcurrency,
        workerID: String = WorkerConfiguration.defaultWorkerID(),
        readBlock: Duration = .seconds(2),
        heartbeatInterval: Duration = .seconds(2),
        cancelCheckInterval: Duration = .milliseconds(250),
        grace: Duration = Self.defaultGrace,
        lease: Duration = Self.defaultLease,
        maxDeliveries: Int = Self.defaultMaxDeliveries,
        promoteInterval: Duration = .seconds(1),
        idlePromoteInterval: Duration = .seconds(8),
        trimInterval: Duration = .seconds(10),
        toolThreads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.redis = redis
        self.broker = broker
        self.concurrency = max(1, concurrency)
        self.workerID = workerID
        self.readBlock = readBlock
        self.heartbeatInterval = heartbeatInterval
        self.cancelCheckInterval = cancelCheckInterval
        self.grace = grace
        self.lease = lease
        self.maxDeliveries = max(1, maxDeliveries)
        self.promoteInterval = promoteInterval
        self.idlePromoteInterval = idlePromoteInterval
        self.trimInterval = trimInterval
        self.toolThreads = max(1, toolThreads)
    }

    /// `<host>-<pid>-<6 random hex>`: unique per process, readable in `XINFO CONSUMERS`. The host
    /// name's first label, at most 40 characters, with anything but ASCII letters, digits, `-` and `_`
    /// made `-`: the id is part of Redis key names (`mcp-worker --worker-id` accepts no more).
    public static func defaultWorkerID() -> String {
        let label = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? ""
        let safe = label.unicodeScalars.prefix(40).map { scalar -> String in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_") ? String(scalar) : "-"
        }.joined()
        return "\(safe.isEmpty ? "host" : safe)-\(ProcessInfo.processInfo.processIdentifier)-\(JobID.make().prefix(6))"
    }
}
