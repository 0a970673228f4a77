import Foundation
import Logging
import MCPBroker
import MCPTools
import MCPWire
import ServiceLifecycle
import Synchronization

/// The worker process as a library: joins the `workers` consumer group, runs
/// up to `concurrency` jobs at once, renews the leases of the jobs it runs,
/// reclaims the jobs of dead workers, retries and dead-letters failures,
/// publishes its catalog and a heartbeat, and drains on graceful shutdown.
///
/// Redis cost per job: one read (batched), one claim (pipelined with the other
/// jobs of the batch) and one completion (pipelined with concurrent ones); for a
/// tool that runs inline, the read and one completion that claims it too.
public final class Worker: Service, Sendable {
    /// One job this worker runs right now.
    struct Running: Sendable {
        let job: DeliveredJob
        let control: JobControl
    }

    /// This worker's settings.
    public let configuration: WorkerConfiguration
    let registry: ToolRegistry
    let broker: Broker
    let logger: Logger
    let running = Mutex<[String: Running]>([:])
    let startedMs = UnixTime.nowMillis()
    let retryAlarm = Alarm()
    /// The lease loop's sleep while no job runs; a job starting wakes it.
    let leaseWait = IdleWait()
    /// Every running job's timeout, fired by one loop.
    let deadlines = JobDeadlines()
    let metrics = WorkerMetrics()
    /// Redis failures of the job path (recording outcomes, renewing leases): a warning the first
    /// time and when the cause changes, then about once a minute with the count held back.
    let redisWarnings = RepeatedWarning()
    let toolExecutor: ToolThreadPool
    let reader: BrokerReader

    /// Creates a worker with the tools it offers.
    public init(configuration: WorkerConfiguration, registry: ToolRegistry = .builtIn, logger: Logger) {
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(configuration.workerID)"
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.broker = Broker(connection: configuration.redis, configuration: configuration.broker, logger: logger)
        self.reader = broker.makeReader()
        self.toolExecutor = ToolThreadPool(threads: configuration.toolThreads)
    }

    /// Runs until graceful shutdown, then drains (see ``WorkerConfiguration/grace``).
    public func run() async throws {
        logger.info("mcp-worker starting", metadata: [
            "concurrency": "\(configuration.concurrency)", "tools": "\(registry.descriptors.map(\.name))",
            "lease": "\(configuration.lease)",
        ])
        await withDiscardingTaskGroup { group in
            group.addTask { await self.heartbeatLoop() }
            group.addTask { await self.leaseLoop() }
            group.addTask { await self.deadlines.run() }
            group.addTask { await self.promoteLoop() }
            group.addTask { await self.trimLoop() }
            await self.consume()  // returns at graceful shutdown, once in-flight jobs are done or the grace ran out
            group.cancelAll()
        }
        try? await broker.retire(workerID: configuration.workerID)
        logger.info("mcp-worker stopped")
    }

    /// Reclaims stale jobs, reads new ones, claims and starts them, until graceful
    /// shutdown; then waits for in-flight jobs up to the grace period.
    private func consume() async {
        let slots = AsyncSlots(limit: configuration.concurrency)
        await withDiscardingTaskGroup { jobs in
            var groupReady = false
            var nextReclaim = ContinuousClock.now
            var pendingRead: PendingJobRead?
            var readFailing = false
            let readWarnings = RepeatedWarning()
            await withGracefulShutdownHandler {
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    let free = await slots.waitForFree()
                    if Task.isShuttingDownGracefully || free == 0 { continue }
                    do {
                        if !groupReady {
                            try await broker.ensureWorkerGroup()
                            groupReady = true
                        }
                        var started = 0
                        if ContinuousClock.now >= nextReclaim {
                            nextReclaim = ContinuousClock.now + min(configuration.lease / 2, .seconds(5))
                            let ownRunning = running.withLock { Set($0.values.map(\.job.entryID)) }
                            let reclaimed = try await broker.reclaimStale(
                                worker: configuration.workerID, lease: configuration.lease, count: free, running: ownRunning)
                            metrics.reclaimed(reclaimed.count)
                            started = try await start(reclaimed, takeover: true, slots: slots, jobs: &jobs).started
                        }
                        guard free - started > 0 else { continue }
                        let delivered: [DeliveredJob]
                        if let read = pendingRead {
                            pendingRead = nil
                            delivered = try await read.delivered()
                        } else {
                            delivered = try await broker.readJobs(
                                using: reader, consumer: configuration.workerID, count: free - started, block: configuration.readBlock)
                        }
                        // Claim these and, in the same round trip, start the next read for the room left.
                        pendingRead = try await start(delivered, takeover: false, slots: slots, jobs: &jobs, readNext: free - started - delivered.count).next
                        if readFailing {
                            readFailing = false
                            readWarnings.recovered("read")
                        }
                    } catch {
                        // The read ended because the worker is stopping (its connection is interrupted): no failure.
                        if Task.isShuttingDownGracefully || Task.isCancelled { continue }
                        // Once a minute while the same failure lasts (a poisoned stream fails every read), not 5 a second.
                        readFailing = true
                        let (level, heldBack) = readWarnings.level(for: "read", cause: RepeatedWarning.cause(of: error))
                        logger.log(level: level, "job stream read failed; retrying", metadata: ["error": "\(error)", "repeats": "\(heldBack)"])
                        pendingRead = nil
                        groupReady = false
                        try? await Task.sleep(for: .milliseconds(200))
                    }
                }
            } onGracefulShutdown: {
                slots.wakeReader()
                self.reader.interrupt()  // a read blocked for new jobs ends now; Redis gives it none
            }
            // A read still in flight delivers its jobs to this worker: run them within the grace too.
            var late: [DeliveredJob] = []
            if let read = pendingRead, let more = try? await read.delivered() { late += more }
            if !late.isEmpty { _ = try? await start(late, takeover: false, slots: slots, jobs: &jobs) }
            await drain(slots: slots, jobs: &jobs)
        }
    }

    /// Claims delivered jobs and starts those this worker won; returns how many started.
    /// Claims delivered jobs and starts those this worker won. With `readNext` > 0
    /// (fresh deliveries only), the claims share a round trip with the next blocking read.
    private func start(
        _ delivered: [DeliveredJob], takeover: Bool, slots: AsyncSlots, jobs: inout DiscardingTaskGroup, readNext: Int = 0
    ) async throws -> (started: Int, next: PendingJobRead?) {
        guard !delivered.isEmpty else { return (0, nil) }
        var runnable = [DeliveredJob]()
        for job in delivered {
            if job.deliveries > configuration.maxDeliveries {
                await deadLetterOrLeave(
                    job, reason: "deliveries", error: "delivered \(job.deliveries) times without finishing (max \(configuration.maxDeliveries))")
            } else {
                runnable.append(job)
            }
        }
        // Each envelope is decoded once per delivery: for the attempt limit here, then to run it.
        let envelopes = runnable.map(JobRunner.decode)
        let limits = envelopes.map { decoded in (try? decoded.get()).flatMap { registry.descriptor(named: $0.tool) }?.maxAttempts ?? 1 }
        // A first delivery of an inline tool (bounded, short, free of side effects) runs
        // unclaimed: its completion claims it in the same step (``Broker/settle``), one
        // function call and one round trip fewer per job.
        let unclaimed = zip(runnable, envelopes).map { job, envelope in
            !takeover && job.deliveries == 1 && (try? envelope.get()).map { registry.runsInline($0.tool) } == true
        }
        if readNext > 0 && !takeover && !runnable.isEmpty && runnable.count == delivered.count && !unclaimed.contains(false) && !reader.isCluster {
            // Every job runs inline: run them here, then settle them and send the next read in one round trip.
            return (0, try await runInlineThenRead(runnable, envelopes: envelopes, limits: limits, readNext: readNext, jobs: &jobs))
        }
        let toClaim = runnable.indices.filter { !unclaimed[$0] }
        var claimed: [ClaimOutcome]
        var next: PendingJobRead?
        if readNext > 0 && !takeover && runnable.count == delivered.count {
            (claimed, next) = try await broker.claimThenRead(
                toClaim.map { runnable[$0] }, maxAttempts: toClaim.map { limits[$0] }, worker: configuration.workerID,
                using: reader, count: readNext, block: configuration.readBlock)
        } else {
            claimed = try await broker.claim(
                toClaim.map { runnable[$0] }, maxAttempts: toClaim.map { limits[$0] }, worker: configuration.workerID, takeover: takeover)
        }
        var outcomes = runnable.map { ClaimOutcome.run(attempts: $0.attempt) }
        for (index, outcome) in zip(toClaim, claimed) { outcomes[index] = outcome }
        var skipped = [DeliveredJob]()
        var started = 0
        for (index, (job, envelope)) in zip(runnable, envelopes).enumerated() {
            switch outcomes[index] {
            case .run(let attempts):
                slots.take()
                started += 1
                let control = JobControl(jobID: job.jobID)
                if !takeover { metrics.claimed(job) }
                metrics.running(running.withLock { $0[job.jobID] = Running(job: job, control: control); return $0.count })
                leaseWait.wake()
                let claim: JobClaim = unclaimed[index] ? .atCompletion(maxAttempts: limits[index]) : .claimed
                jobs.addTask {
                    await self.execute(job, envelope: envelope, attempts: attempts, claim: claim, control: control)
                    self.metrics.running(self.running.withLock { _ = $0.removeValue(forKey: job.jobID); return $0.count })
                    slots.release()
                }
            case .exhausted(let attempts):
                await deadLetterOrLeave(job, reason: "exhausted", error: Self.exhaustedError(attempts: attempts))
            case .skip(.running) where !takeover:
                // Delivered again while it runs (the group's cursor was moved back): the entry is the running
                // job's only one, so it stays pending. Its worker's next lease renewal takes it back; if that
                // worker died, the lease's reclaim runs the job elsewhere. Acknowledged, it would be `running` for ever.
                logger.info("a running job was delivered again; its entry is left to its worker's lease", metadata: ["job.id": "\(job.jobID)"])
            case .skip, .missing:
                skipped.append(job)
            case .failed(let why):
                logger.warning("Redis refused a job's claim; it stays pending for a later reclaim", metadata: ["job.id": "\(job.jobID)", "error": "\(why)"])
            }
        }
        try await broker.acknowledge(skipped)
        return (started, next)
    }

    /// The tool of a job that is not run (a dead letter before its run), for metrics labels.
    func descriptor(of job: DeliveredJob) -> ToolDescriptor? {
        guard let value = try? JSONParser.parse(Array(job.envelopeJSON.utf8)), let tool = value.objectValue?["tool"]?.stringValue else { return nil }
        return registry.descriptor(named: tool)
    }

    private func drain(slots: AsyncSlots, jobs: inout DiscardingTaskGroup) async {
        let inFlight = running.withLock { $0.count }
        guard inFlight > 0 else { return }
        logger.info("draining: waiting for in-flight jobs", metadata: ["in_flight": "\(inFlight)", "grace": "\(configuration.grace)"])
        let finished = await slots.waitUntilIdle(timeout: configuration.grace)
        if !finished {
            logger.warning("grace period over: leaving unfinished jobs to be reclaimed", metadata: ["in_flight": "\(running.withLock { $0.count })"])
            jobs.cancelAll()
        }
    }
}
