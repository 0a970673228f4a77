import Foundation
import Logging
import MCPBroker
import MCPTools
import RedisClient
import ServiceLifecycle
import Synchronization

/// The worker process as a library: joins the `workers` consumer group, runs
/// up to `concurrency` jobs at once, publishes its catalog and a heartbeat,
/// and drains on graceful shutdown.
///
/// Redis cost per job: one read (batched), one claim (pipelined with the other
/// jobs of the batch) and one completion (pipelined with concurrent ones).
public final class Worker: Service, Sendable {
    /// This worker's settings.
    public let configuration: WorkerConfiguration
    private let registry: ToolRegistry
    private let broker: Broker
    private let reader: RedisClient
    private let logger: Logger
    private let running = Mutex<[String: JobControl]>([:])
    private let startedMs = UnixTime.nowMillis()

    /// Creates a worker with the tools it offers.
    public init(configuration: WorkerConfiguration, registry: ToolRegistry = .builtIn, logger: Logger) {
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(configuration.workerID)"
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.broker = Broker(redis: RedisClient(configuration: configuration.redis, logger: logger), configuration: configuration.broker, logger: logger)
        self.reader = RedisClient(configuration: configuration.redis, logger: logger)
    }

    /// Runs until graceful shutdown, then drains (see ``WorkerConfiguration/grace``).
    public func run() async throws {
        logger.info("mcp-worker starting", metadata: [
            "concurrency": "\(configuration.concurrency)", "tools": "\(registry.descriptors.map(\.name))",
        ])
        await withDiscardingTaskGroup { group in
            group.addTask { await self.maintenanceLoop() }
            group.addTask { await self.cancellationLoop() }
            await self.consume()  // returns at graceful shutdown, once in-flight jobs are done or the grace ran out
            group.cancelAll()
        }
        try? await broker.retire(workerID: configuration.workerID)
        logger.info("mcp-worker stopped")
    }

    /// Reads, claims and runs jobs until graceful shutdown; then waits for in-flight jobs up to the grace period.
    private func consume() async {
        let slots = AsyncSlots(limit: configuration.concurrency)
        await withDiscardingTaskGroup { jobs in
            var groupReady = false
            await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let free = await slots.waitForFree()
                if Task.isShuttingDownGracefully || free == 0 { continue }
                do {
                    if !groupReady {
                        try await broker.ensureWorkerGroup()
                        groupReady = true
                    }
                    let delivered = try await broker.readJobs(using: reader, consumer: configuration.workerID, count: free, block: configuration.readBlock)
                    if delivered.isEmpty { continue }
                    let outcomes = try await broker.claim(delivered, worker: configuration.workerID)
                    var skipped = [DeliveredJob]()
                    for (job, outcome) in zip(delivered, outcomes) {
                        guard case .run(let attempts) = outcome else {
                            skipped.append(job)
                            continue
                        }
                        slots.take()
                        let control = JobControl(jobID: job.jobID)
                        running.withLock { $0[job.jobID] = control }
                        jobs.addTask {
                            await self.execute(job, attempts: attempts, control: control)
                            self.running.withLock { _ = $0.removeValue(forKey: job.jobID) }
                            slots.release()
                        }
                    }
                    try await broker.acknowledge(skipped)
                } catch {
                    logger.warning("job stream read failed; retrying", metadata: ["error": "\(error)"])
                    groupReady = false
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            } onGracefulShutdown: {
                slots.wakeReader()
            }
            await drain(slots: slots, jobs: &jobs)
        }
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

    private func execute(_ job: DeliveredJob, attempts: Int, control: JobControl) async {
        let runner = JobRunner(registry: registry, broker: broker, workerID: configuration.workerID, logger: logger)
        guard let completion = await runner.run(job, attempts: attempts, control: control) else { return }
        var delay = Duration.milliseconds(50)
        while true {  // the result must reach Redis: retry through short outages
            do {
                try await broker.complete([completion], worker: configuration.workerID)
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("could not record a job's final status; retrying", metadata: ["job.id": "\(job.jobID)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    /// Publishes the catalog and the heartbeat every interval.
    private func maintenanceLoop() async {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        while !Task.isCancelled {
            do {
                try await broker.publishCatalog(registry.descriptors)
                try await broker.heartbeat(WorkerHeartbeat(
                    workerID: configuration.workerID, host: host, pid: pid, startedMs: startedMs,
                    inFlight: running.withLock { $0.count }, concurrency: configuration.concurrency, version: MCPStreamsVersion.current))
            } catch {
                logger.debug("heartbeat failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.heartbeatInterval)
        }
    }

    /// Stops running jobs whose clients asked to cancel them, even tools that never report progress.
    private func cancellationLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.cancelCheckInterval)
            let controls = running.withLock { Array($0.values) }
            guard !controls.isEmpty else { continue }
            guard let requested = try? await broker.cancellationRequests(jobIDs: controls.map(\.jobID)) else { continue }
            for control in controls where requested.contains(control.jobID) { control.requestCancel() }
        }
    }
}
