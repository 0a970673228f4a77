import Logging
import MCPBroker
import MCPTools

extension Worker {
    /// The `tool` label of a job: its tool's name, or `unknown` for one this
    /// worker does not offer (so envelopes cannot add label values).
    func toolLabel(of job: DeliveredJob) -> String {
        descriptor(of: job)?.name ?? "unknown"
    }

    /// Dead-letters a job before it runs and counts it when the dead letter was written.
    func deadLetterUnrun(_ job: DeliveredJob, reason: String, error: String) async throws {
        if try await broker.deadLetter(job, error: JobError(code: "dead_letter", message: error)) == .done { deadLettered(job, tool: toolLabel(of: job), reason: reason) }
    }

    /// The dead letter's error for a job whose attempts were used up before it could run.
    static func exhaustedError(attempts: Int) -> String {
        "all \(attempts) attempts used (its workers stopped or died while running it)"
    }

    /// ``deadLetterUnrun(_:reason:error:)``, and when Redis refuses it, a warning: the
    /// entry stays pending and a later reclaim tries again (one job's failure ends no batch).
    func deadLetterOrLeave(_ job: DeliveredJob, reason: String, error: String) async {
        do {
            try await deadLetterUnrun(job, reason: reason, error: error)
        } catch let failure {
            logger.warning("could not dead-letter a job; it stays pending for a later reclaim", metadata: [
                "job.id": "\(job.jobID)", "reason": "\(reason)", "error": "\(failure)",
            ])
        }
    }

    /// Logs and counts a dead letter this worker wrote.
    func deadLettered(_ job: DeliveredJob, tool: String, reason: String) {
        logger.info("job dead-lettered", metadata: ["job.id": "\(job.jobID)", "tool.name": "\(tool)", "reason": "\(reason)"])
        metrics.deadLettered(tool: tool, reason: reason)
    }
}
