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
                // beat_ms comes from Redis: compared without arithmetic that could overflow.
                let gap = UnixTime.nowMillis().subtractingReportingOverflow(before?.beatMs ?? 0)
                let window = (configuration.heartbeatInterval.wholeMilliseconds / 2).multipliedReportingOverflow(by: 3)  // 1.5 beats
                let recent = !gap.overflow && !window.overflow && gap.partialValue > -window.partialValue && gap.partialValue < window.partialValue
                first = false
                // On this host a beat of a process that no longer exists (this worker restarted after a crash) is no twin.
                let gone = other(before, isDeadOn: host)
                if recent, !gone, let other = before, other.host != host || other.pid != Int64(pid) || other.startedMs != startedMs {
                    logger.warning("another live process runs under this --worker-id: give each worker its own (they share one consumer and take each other's jobs); unless it is one that just died", metadata: [
                        "other.host": "\(other.host.prefix(100))", "other.pid": "\(other.pid)", "other.beat_ms_ago": "\(gap.partialValue)",
                    ])
                }
            } catch {
                logger.debug("heartbeat failed", metadata: ["error": "\(error)"])
            }
            await Alarm.sleep(for: configuration.heartbeatInterval)
        }
    }

    /// Whether a heartbeat came from a process of this host that no longer exists (`kill(pid, 0)`
    /// says ESRCH); a pid read from Redis out of range counts as not known to be gone.
    private func other(_ beat: LiveWorker?, isDeadOn host: String) -> Bool {
        guard let beat, beat.host == host, let pid = Int32(exactly: beat.pid), pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
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
                    let (level, heldBack) = redisWarnings.level(for: "renew", cause: error.publicSummary)
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

