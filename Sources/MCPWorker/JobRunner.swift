import Logging
import MCPBroker
import MCPTools
import MCPWire

/// How one run of a job ended, as far as the worker is concerned.
enum RunOutcome: Sendable {
    /// The job reached a final status to record.
    case finished(JobCompletion)
    /// The tool failed with a retryable error (`code: message`).
    case failedRetryably(JobError)
    /// The worker is stopping: leave the job pending for another worker.
    case abandoned
}

/// Runs one claimed job: decodes its envelope, runs the tool with its
/// timeout, stops it when its client cancels, and says how it ended.
struct JobRunner: Sendable {
    private enum Outcome: Sendable {
        case result(JSONObject)
        case failure(ToolError)
        case cancelled
        case timedOut(Duration)
    }

    let registry: ToolRegistry
    /// Where tools run (``ToolThreadPool``), apart from the worker's housekeeping.
    let toolExecutor: any TaskExecutor
    let broker: Broker
    /// The worker's timeout loop (one for all jobs).
    let deadlines: JobDeadlines
    let workerID: String
    let logger: Logger

    /// The job's envelope, decoded once per delivery (the worker reads the tool's
    /// attempt limit from it before claiming, then runs it).
    static func decode(_ job: DeliveredJob) -> Result<Envelope, any Error> {
        Result { try Envelope(json: try JSONParser.parse(Array(job.envelopeJSON.utf8))) }
    }

    /// Runs the job once and says how it ended (decoding its envelope first).
    func run(_ job: DeliveredJob, attempts: Int, control: JobControl) async -> RunOutcome {
        await run(job, envelope: Self.decode(job), attempts: attempts, control: control)
    }

    /// Runs the job once, with its envelope as ``decode(_:)`` gave it, and says how it ended.
    func run(_ job: DeliveredJob, envelope decoded: Result<Envelope, any Error>, attempts: Int, control: JobControl) async -> RunOutcome {
        var logger = logger
        logger[metadataKey: "job.id"] = "\(job.jobID)"
        let envelope: Envelope
        switch decoded {
        case .success(let decoded):
            envelope = decoded
        case .failure(let error):
            return .finished(JobCompletion(job: job, status: .error, error: JobError(code: "invalid_envelope", message: "the stream entry's envelope does not decode: \(error)")))
        }
        logger[metadataKey: "tool.name"] = "\(envelope.tool)"
        guard let descriptor = registry.descriptor(named: envelope.tool) else {
            return .finished(JobCompletion(
                job: job, status: .error, error: JobError(code: "unknown_tool", message: "this worker has no tool named \"\(envelope.tool)\""),
                requestID: envelope.requestID, clientID: envelope.clientID))
        }
        let context = ToolContext(
            jobID: job.jobID, clientID: envelope.clientID, requestID: envelope.requestID, attempt: attempts, logger: logger,
            progress: { [broker, workerID] fraction, message in
                let acknowledgement = try? await broker.reportProgress(jobID: job.jobID, worker: workerID, fraction: fraction, message: message)
                if acknowledgement == .cancelRequested { control.requestCancel() }
            })
        let registry = self.registry
        if registry.runsInline(envelope.tool) {
            return Self.finish(job, envelope, await Self.runInline(registry, envelope: envelope, context: context), logger: logger)
        }
        let race = FirstOutcome<Outcome>()
        // The tool runs on the tool threads; its timeout and its client's cancel
        // end the job even if the tool never checks for cancellation.
        let tool = Task(executorPreference: toolExecutor) {
            do {
                race.offer(.result(try await registry.run(name: envelope.tool, arguments: envelope.args, context: context)))
            } catch let error as ToolError {
                race.offer(.failure(error))
            } catch is CancellationError {
                return  // stopped by the timeout, a cancel or the worker stopping: that outcome is already offered
            } catch {
                race.offer(.failure(.failed("\(error)")))
            }
        }
        // No task per job for these: the worker's deadline loop fires the timeout,
        // and a cancel request settles the race from wherever it is noticed.
        let timeout = descriptor.timeout
        let deadline = deadlines.add(deadline: ContinuousClock.now + timeout) { race.offer(.timedOut(timeout)) }
        control.whenCancelRequested { race.offer(.cancelled) }
        let outcome = await race.value()
        tool.cancel()
        deadlines.remove(deadline)
        control.clearHook()
        return Self.finish(job, envelope, outcome, logger: logger)
    }

    /// A bounded tool (``MCPTools/Tool/runsInline``) run on this task: no hop to the tool threads and back.
    private static func runInline(_ registry: ToolRegistry, envelope: Envelope, context: ToolContext) async -> Outcome? {
        do {
            return .result(try await registry.run(name: envelope.tool, arguments: envelope.args, context: context))
        } catch let error as ToolError {
            return .failure(error)
        } catch is CancellationError {
            return nil  // the worker is stopping
        } catch {
            return .failure(.failed("\(error)"))
        }
    }

    /// What the run's outcome means for the job.
    private static func finish(_ job: DeliveredJob, _ envelope: Envelope, _ outcome: Outcome?, logger: Logger) -> RunOutcome {
        let completion = { (status: JobStatus, result: String, error: JobError?) in
            JobCompletion(job: job, status: status, resultJSON: result, error: error, requestID: envelope.requestID, clientID: envelope.clientID)
        }
        switch outcome {
        case .result(let result)?:
            logger.debug("job done")
            return .finished(completion(.done, CanonicalJSON.string(.object(result)), nil))
        case .failure(let error)? where error.retryable:
            logger.debug("job failed, retryable", metadata: ["error.code": "\(error.code)"])
            return .failedRetryably(JobError(code: "\(error.code)", message: error.message))
        case .failure(let error)?:
            logger.debug("job failed", metadata: ["error.code": "\(error.code)"])
            return .finished(completion(.error, "", JobError(code: "\(error.code)", message: error.message)))
        case .cancelled?:
            logger.debug("job cancelled")
            return .finished(completion(.cancelled, "", JobError(code: "cancelled", message: "cancelled by the client")))
        case .timedOut(let limit)?:
            logger.debug("job timed out")
            return .finished(completion(.error, "", JobError(code: "timeout", message: "the tool ran longer than its \(limit) limit")))
        case nil:
            logger.info("job left for another worker: this worker is stopping")
            return .abandoned
        }
    }
}
