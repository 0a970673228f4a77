import Logging
import MCPBroker
import Metrics
import ServiceLifecycle
import Synchronization

/// Watches the job backlog (entries not yet delivered plus delivered but not
/// acknowledged) a few times a second, so backpressure costs the hot path no
/// Redis round trip. Past the limit, new submissions get 429 `overloaded`.
/// Each reading is also the `mcp_backlog` gauge.
///
/// Every few seconds while jobs come it also checks the deployment's recorded partition
/// count (DESIGN §10): a record lost with a node's data is written back with this gateway's
/// count, and while Redis records another count, new jobs are refused `partition_mismatch`
/// (they would land where no worker reads).
public final class BacklogMonitor: Service, Sendable {
    private let broker: Broker
    private let limit: Int
    private let interval: Duration
    private let gaugeInterval: Duration?
    private let logger: Logger
    private let latest = Mutex<Int>(0)
    /// Whether a job was submitted since the last reading.
    private let demand = Atomic<Bool>(false)
    /// The monitor's sleep while nothing is submitted; the next submission wakes it.
    private let idleWait = IdleWait()
    private let gauge = Gauge(label: "mcp_backlog")
    /// The partition check's refusal while Redis records another count, and when the count is next checked.
    private let partitions = Mutex<(mismatch: BrokerError?, nextCheck: ContinuousClock.Instant)>((nil, .now))
    /// How often the recorded partition count is checked while jobs come.
    static let partitionCheckInterval: Duration = .seconds(5)

    /// Creates a monitor; a `limit` of 0 turns backpressure off. With backpressure
    /// off, the backlog is still read every `gaugeInterval` for the `mcp_backlog`
    /// gauge (`nil`: not at all).
    public init(broker: Broker, limit: Int, interval: Duration = .milliseconds(250), gaugeInterval: Duration? = .seconds(2), logger: Logger) {
        self.broker = broker
        self.limit = limit
        self.interval = interval
        self.gaugeInterval = gaugeInterval
        self.logger = logger
    }

    /// The backlog at the last check.
    public var backlog: Int { latest.withLock { $0 } }

    /// Whether new jobs should be refused right now.
    public var isOverloaded: Bool { limit > 0 && backlog >= limit }

    /// Whether a job about to be submitted should be refused; also tells the
    /// monitor that jobs are coming, so it reads every interval while they do
    /// (and only every `gaugeInterval` while none do).
    public func admitsSubmission() -> Bool {
        if !demand.load(ordering: .relaxed) { demand.store(true, ordering: .relaxed) }
        idleWait.wake()
        return !isOverloaded
    }

    /// The configured limit (0 = off).
    public var backlogLimit: Int { limit }

    /// Why new jobs are refused because Redis records another partition count, or `nil`.
    public var partitionMismatch: BrokerError? { partitions.withLock { $0.mismatch } }

    /// Checks the recorded partition count when due (writing it back if it was lost).
    private func checkPartitionsWhenDue() async {
        let due = partitions.withLock { state -> Bool in
            guard ContinuousClock.now >= state.nextCheck else { return false }
            state.nextCheck = .now + Self.partitionCheckInterval
            return true
        }
        guard due else { return }
        var mismatch: BrokerError?
        do {
            try await broker.checkPartitions()
        } catch where error.code == .partitionMismatch {
            mismatch = error
        } catch {
            return  // Redis unreachable: the requests themselves say so
        }
        let changed = partitions.withLock { state -> Bool in
            defer { state.mismatch = mismatch }
            return (state.mismatch == nil) != (mismatch == nil)
        }
        if changed {
            if let mismatch {
                logger.error("Redis records another partition count: refusing new jobs", metadata: ["error": "\(mismatch.message)"])
            } else {
                logger.notice("the recorded partition count agrees again: accepting new jobs")
            }
        }
    }

    /// Re-reads the backlog now.
    public func refresh() async {
        await checkPartitionsWhenDue()
        guard let value = try? await broker.backlog() else { return }
        gauge.record(value)
        let crossed = latest.withLock { previous -> Bool? in
            defer { previous = value }
            guard limit > 0 else { return nil }
            if previous < limit && value >= limit { return true }
            if previous >= limit && value < limit { return false }
            return nil
        }
        if let crossed {
            logger.warning(crossed ? "backlog over its limit: refusing new jobs" : "backlog back under its limit",
                           metadata: ["backlog": "\(value)", "limit": "\(limit)"])
        }
    }

    /// Checks every interval while jobs are submitted; otherwise every
    /// `gaugeInterval` (or not at all without one), waking at the next submission
    /// (with backpressure off, only every `gaugeInterval`). Until graceful shutdown.
    ///
    /// The first submission after an idle spell is admitted on the reading taken
    /// before it (at most `gaugeInterval` old) and the next reading comes one
    /// interval later: reading at once would put the monitor's Redis round trip
    /// and wake-ups beside that request's own, and a lone job would pay for two
    /// readings instead of one.
    public func run() async throws {
        guard limit > 0 || gaugeInterval != nil else { return }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.refresh()
                guard self.limit > 0 else {
                    guard let every = self.gaugeInterval else { return }
                    await Alarm.sleep(for: every)
                    continue
                }
                if !self.demand.exchange(false, ordering: .relaxed) {
                    await self.idleWait.sleep(atMost: self.gaugeInterval ?? .seconds(3_600), unlessBusy: { self.demand.load(ordering: .relaxed) })
                    guard self.demand.exchange(false, ordering: .relaxed) else { continue }  // the gauge's turn
                }
                await Alarm.sleep(for: self.interval)  // jobs are coming
            }
        }
    }
}
