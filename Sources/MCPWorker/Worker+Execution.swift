import Foundation
import Logging
import MCPBroker
import MCPTools
import MCPWire

extension Worker {
    /// Runs one claimed job and records how it ended: a final status, a retry
    /// after a backoff, or a dead letter when its attempts are used up.
    func execute(_ job: DeliveredJob, envelope: Result<Envelope, any Error>, attempts: Int, claim: JobClaim, control: JobControl) async {
        let started = ContinuousClock.now
        let startedMs = UnixTime.nowMillis()
        let outcome = await runner.run(job, envelope: envelope, attempts: attempts, control: control)
        if case .abandoned = outcome { return }
        metrics.ran(tool: toolName(envelope), for: ContinuousClock.now - started)
        await conclude(job, envelope: envelope, outcome: outcome, attempts: attempts, claim: claim, startedMs: startedMs)
    }

    /// A runner for this worker's jobs.
    var runner: JobRunner {
        JobRunner(registry: registry, toolExecutor: toolExecutor, broker: broker, deadlines: deadlines, workerID: configuration.workerID, logger: logger)
    }

    /// The metrics label of a job's tool (`unknown` when its envelope does not decode or names no tool of this worker).
    func toolName(_ envelope: Result<Envelope, any Error>) -> String {
        (try? envelope.get()).flatMap { registry.descriptor(named: $0.tool) }?.name ?? "unknown"
    }

    /// Records how a run ended: its final status, a retry after a backoff, or a dead letter.
    func conclude(
        _ job: DeliveredJob, envelope: Result<Envelope, any Error>, outcome: RunOutcome, attempts: Int, claim: JobClaim, startedMs: Int64
    ) async {
        var attempts = attempts
        let worker = configuration.workerID
        let descriptor = (try? envelope.get()).flatMap { registry.descriptor(named: $0.tool) }
        let tool = descriptor?.name ?? "unknown"
        switch outcome {
        case .abandoned:
            return
        case .finished(let completion):
            let ended: String?
            switch claim {
            case .claimed:
                ended = await persist("final status", job: job) { try await self.broker.complete([completion], worker: worker).first ?? "" }
            case .atCompletion(let limit):
                ended = await persist("final status", job: job) {
                    try await self.broker.settle(completion, worker: worker, maxAttempts: limit, startedMs: startedMs)
                }
                if ended == Broker.exhausted {
                    await deadLetterOrLeave(job, reason: "exhausted", error: Self.exhaustedError(attempts: limit))
                    return
                }
            }
            if ended == completion.status.rawValue { metrics.ended(completion.status.rawValue, tool: tool) }
        case .failedRetryably(let error):
            let limit = descriptor?.maxAttempts ?? 1
            if case .atCompletion(let claimLimit) = claim {  // a retry starts from a run this worker owns: claim it first
                switch await persist("claim", job: job, { try await self.broker.claim([job], maxAttempts: [claimLimit], worker: worker).first ?? .missing }) {
                case .run(let counted)?:
                    attempts = counted
                case .exhausted(let counted)?:
                    await deadLetterOrLeave(job, reason: "exhausted", error: Self.exhaustedError(attempts: counted))
                    return
                case .skip(.running)?:  // another run holds it: its entry stays pending for that run's lease (see the claim in Worker)
                    return
                case .skip?, .missing?:
                    _ = await persist("acknowledgement", job: job) { try await self.broker.acknowledge([job]) }
                    return
                case .failed?, nil:  // left pending: a later reclaim tries it again
                    return
                }
            }
            if attempts >= limit {
                let attempts = attempts
                let ended = await persist("dead letter", job: job) {
                    try await self.broker.deadLetter(
                        job, error: JobError(code: "dead_letter", message: "failed \(attempts) of \(limit) attempts; last error: \(error)"),
                        expectedWorker: worker)
                }
                if ended == .done { deadLettered(job, tool: tool, reason: "attempts") }
            } else {
                let delay = Self.backoff(base: descriptor?.retryBackoff ?? .seconds(1), attempt: attempts)
                let ended = await persist("retry", job: job) { try await self.broker.scheduleRetry(job, worker: worker, error: error, delay: delay) }
                if ended == .done {
                    metrics.retried()
                    retryAlarm.ring()  // the promoter re-reads when this retry is due
                }
            }
        }
    }

    /// Exponential backoff with ±20 % jitter: base × 2^(attempt−1), at most 5 minutes.
    static func backoff(base: Duration, attempt: Int) -> Duration {
        let exponent = Double(min(max(attempt, 1), 21) - 1)  // attempt comes from Redis: no `attempt - 1` overflow
        let seconds = min(Double(base.components.seconds) + Double(base.components.attoseconds) / 1e18, 300) * pow(2, exponent)
        let jittered = min(seconds, 300) * Double.random(in: 0.8...1.2)
        return .milliseconds(Int64(jittered * 1000))
    }

    /// Writes a job's outcome, retrying through short Redis outages: an outcome must reach Redis.
    /// Returns what the write returned (`nil` if the worker was cancelled first, or when Redis
    /// refuses the write for good: the job's key is not a hash, a poison value no retry mends;
    /// its entry then stays pending, and a reclaim dead-letters it after `--max-deliveries`).
    private func persist<Reply: Sendable>(_ what: String, job: DeliveredJob, _ write: @Sendable () async throws -> Reply) async -> Reply? {
        var delay = Duration.milliseconds(50)
        while true {
            do {
                return try await write()
            } catch {
                if Task.isCancelled { return nil }
                if let refused = error as? BrokerError, refused.isWrongType {
                    logger.error("Redis refuses a job's \(what) for good; its entry stays pending for a reclaim and a dead letter", metadata: [
                        "job.id": "\(job.jobID)", "error": "\(refused)",
                    ])
                    return nil
                }
                let (level, heldBack) = redisWarnings.level(for: "record", cause: RepeatedWarning.cause(of: error))
                logger.log(level: level, "could not record a job's \(what); retrying", metadata: [
                    "job.id": "\(job.jobID)", "error": "\(error)", "repeats": "\(heldBack)",
                ])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }
}
