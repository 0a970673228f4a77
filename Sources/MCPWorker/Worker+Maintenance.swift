import Foundation
import Logging
import MCPBroker
import MCPTools
import Synchronization

extension Worker {
    /// Publishes the heartbeat and the catalog every interval, in one round trip. The first
    /// beat also reads the hash it replaces and warns when another live process beats under
    /// the same worker id (whichever of two such workers starts second warns).
    func heartbeatLoop() async {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        var first = true
        while !Task.isCancelled {
            do {
                let before = try await broker.heartbeat(readingPrevious: first, WorkerHeartbeat(
                    workerID: configuration.workerID, host: host, pid: pid, startedMs: startedMs,
                    inFlight: running.withLock { $0.count }, concurrency: configuration.concurrency, version: MCPStreamsVersion.current),
                    catalog: registry.descriptors)
                first = false
                if let other = before, isTwin(other, host: host, pid: pid) {
                    logger.warning("another live process runs under this --worker-id: give each worker its own (they share one consumer and take each other's jobs); unless it is one that just died", metadata: [
                        "other.host": "\(other.host.prefix(100))", "other.pid": "\(other.pid)",
                    ])
                }
            } catch {
                logger.debug("heartbeat failed", metadata: ["error": "\(error)"])
            }
            await Alarm.sleep(for: configuration.heartbeatInterval)
        }
    }

    /// Whether the heartbeat this worker's first beat replaced is another live process's: not this
    /// process, beaten within 1.5 intervals (compared without arithmetic that could overflow: the
    /// time comes from Redis), and not a process of this host that no longer exists (`kill(pid, 0)`
    /// says ESRCH: this worker restarted after a crash).
    private func isTwin(_ other: LiveWorker, host: String, pid: Int32) -> Bool {
        guard other.host != host || other.pid != Int64(pid) || other.startedMs != startedMs else { return false }
        let gap = UnixTime.nowMillis().subtractingReportingOverflow(other.beatMs)
        let window = configuration.heartbeatInterval.wholeMilliseconds / 2 * 3
        guard !gap.overflow, gap.partialValue > -window, gap.partialValue < window else { return false }
        if other.host == host, let otherPID = Int32(exactly: other.pid), otherPID > 0, kill(otherPID, 0) != 0, errno == ESRCH { return false }
        return true
    }

    /// Stops running jobs whose clients asked to cancel them (even tools that never
    /// report progress), and renews the leases of running jobs every third of the
    /// lease. With no job running it sleeps until one starts (``leaseWait``).
    func leaseLoop() async {
        var nextRenewal = ContinuousClock.now + configuration.lease / 3
        while !Task.isCancelled {
            if await leaseWait.sleep(atMost: .seconds(3_600), unlessBusy: { running.withLock { !$0.isEmpty } }) {
                nextRenewal = ContinuousClock.now + configuration.lease / 3  // the jobs now running started just now
                continue
            }
            await Alarm.sleep(for: configuration.cancelCheckInterval)
            let current = running.withLock { Array($0.values) }
            guard !current.isEmpty else { continue }
            if let requested = try? await broker.cancellationRequests(jobIDs: current.map(\.job.jobID)) {
                for entry in current where requested.contains(entry.job.jobID) { entry.control.requestCancel() }
            }
            if ContinuousClock.now >= nextRenewal {
                nextRenewal = ContinuousClock.now + configuration.lease / 3
                do {
                    try await broker.renewLeases(current.map(\.job), worker: configuration.workerID)
                } catch {
                    let (level, heldBack) = redisWarnings.level(for: "renew", cause: RepeatedWarning.cause(of: error))
                    logger.log(level: level, "could not renew job leases", metadata: ["error": "\(error)", "repeats": "\(heldBack)"])
                }
            }
        }
    }

    /// Moves due retries back onto the stream: sleeps until the next retry is due
    /// (at most ``WorkerConfiguration/promoteInterval``), and wakes early when this
    /// worker schedules one, so an idle deployment does not poll the delayed set.
    /// While every partition's delayed set stays empty the poll backs off, doubling
    /// up to ``WorkerConfiguration/idlePromoteInterval``: a worker's own retries ring
    /// its alarm, so that poll only finds retries whose worker died after scheduling them.
    func promoteLoop() async {
        var wait = configuration.promoteInterval
        var idleWait = configuration.promoteInterval
        while !Task.isCancelled {
            await retryAlarm.wait(atMost: wait)
            if Task.isCancelled { return }
            guard let promotion = try? await broker.promoteDueRetries() else {
                wait = configuration.promoteInterval
                continue
            }
            if promotion.next != nil || promotion.published > 0 { idleWait = configuration.promoteInterval }
            switch promotion.next {
            case .due(let atMs)?:
                // `atMs` is within a day of now (decoded at the boundary), so this cannot overflow.
                let untilDue = atMs - UnixTime.nowMillis()
                wait = .milliseconds(min(max(untilDue, 5), configuration.promoteInterval.wholeMilliseconds))
            case .poison(let jobID, let score)?:
                // A score no backoff writes (`+inf`, 1e300): make that retry due now rather than keep it forever.
                logger.warning("a delayed retry has a due time no backoff writes; making it due now", metadata: [
                    "job.id": "\(jobID)", "retry.score": "\(score.prefix(64))",
                ])
                metrics.poison("delayed_score")
                wait = (try? await broker.makeRetryDue(jobID: jobID, partition: promotion.partition)) == nil ? configuration.promoteInterval : .milliseconds(5)
            case nil:
                wait = idleWait
                idleWait = min(idleWait * 2, max(configuration.idlePromoteInterval, configuration.promoteInterval))
            }
        }
    }

    /// Trims the job stream below its oldest unfinished entry.
    func trimLoop() async {
        while !Task.isCancelled {
            await Alarm.sleep(for: configuration.trimInterval)
            do {
                try await broker.trimStream()
            } catch {
                logger.debug("stream trim failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

