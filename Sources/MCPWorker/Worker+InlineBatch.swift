import MCPBroker
import MCPTools
import MCPWire

extension Worker {
    /// Runs a delivered batch whose tools all run inline (bounded, short, free of side
    /// effects) on the read loop itself, then settles every finished job and sends the
    /// next blocking read in one round trip (``MCPBroker/Broker/settleThenRead(_:worker:using:count:block:)``):
    /// a lone job costs the worker that round trip and nothing else. A run that did not
    /// finish (a retryable failure) is concluded on its own task as usual; when Redis
    /// fails the round trip, every settlement is retried on its own task until it lands.
    /// Returns the read sent.
    func runInlineThenRead(
        _ delivered: [DeliveredJob], envelopes: [Result<Envelope, any Error>], limits: [Int], readNext: Int, jobs: inout DiscardingTaskGroup
    ) async throws -> PendingJobRead {
        let runner = self.runner
        var settlements = [Broker.Settlement]()
        var decoded = [Result<Envelope, any Error>]()
        for (index, job) in delivered.enumerated() {
            metrics.claimed(job)
            let started = ContinuousClock.now
            let startedMs = UnixTime.nowMillis()
            let envelope = envelopes[index]
            let outcome = await runner.run(job, envelope: envelope, attempts: job.attempt, control: JobControl(jobID: job.jobID))
            if case .abandoned = outcome { continue }  // stopping: the entry stays pending for another worker
            metrics.ran(tool: toolName(envelope), for: ContinuousClock.now - started)
            let claim = JobClaim.atCompletion(maxAttempts: limits[index])
            guard case .finished(let completion) = outcome else {
                jobs.addTask { await self.conclude(job, envelope: envelope, outcome: outcome, attempts: job.attempt, claim: claim, startedMs: startedMs) }
                continue
            }
            settlements.append(Broker.Settlement(completion: completion, maxAttempts: limits[index], startedMs: startedMs))
            decoded.append(envelope)
        }
        let statuses: [Result<String, BrokerError>]
        let next: PendingJobRead
        do {
            (statuses, next) = try await broker.settleThenRead(
                settlements, worker: configuration.workerID, using: reader, count: readNext, block: configuration.readBlock)
        } catch {
            for (settlement, envelope) in zip(settlements, decoded) {
                let job = settlement.completion.job
                let claim = JobClaim.atCompletion(maxAttempts: settlement.maxAttempts)
                jobs.addTask {
                    await self.conclude(
                        job, envelope: envelope, outcome: .finished(settlement.completion), attempts: job.attempt, claim: claim,
                        startedMs: settlement.startedMs)
                }
            }
            throw error
        }
        for ((settlement, envelope), result) in zip(zip(settlements, decoded), statuses) {
            let job = settlement.completion.job
            guard case .success(let ended) = result else {  // Redis refused this one: retry it on its own
                let claim = JobClaim.atCompletion(maxAttempts: settlement.maxAttempts)
                jobs.addTask {
                    await self.conclude(
                        job, envelope: envelope, outcome: .finished(settlement.completion), attempts: job.attempt, claim: claim,
                        startedMs: settlement.startedMs)
                }
                continue
            }
            if ended == Broker.exhausted {
                let limit = settlement.maxAttempts
                jobs.addTask {
                    await self.deadLetterOrLeave(job, reason: "exhausted", error: Self.exhaustedError(attempts: limit))
                }
            } else if ended == settlement.completion.status.rawValue {
                metrics.ended(ended, tool: toolName(envelope))
            }
        }
        return next
    }
}
