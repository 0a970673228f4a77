import HTTPTypes
import Logging
import MCPBroker
import MCPTools
import MCPWire

/// Answers one `mcp/0.1` envelope: verification (DESIGN §3), then a control
/// tool answered here or a job published through the broker.
///
/// Hot path for a worker tool: parse, verify (HMAC with a pre-keyed context),
/// validate arguments against the cached catalog, one EVALSHA; for a sync
/// tool, a wait on the gateway's single reply reader.
final class EnvelopeHandler: Sendable {
    let verifier: EnvelopeVerifier
    let signer: ResponseSigner
    let broker: Broker
    let replies: ReplyListener
    let backlog: BacklogMonitor
    let syncBudget: Duration
    let rateLimiter: ClientRateLimiter
    let inFlight: InFlightBodies
    let logger: Logger
    let metrics = GatewayMetrics()
    /// Redis failures behind `unavailable` answers: a warning at the first (and when the cause
    /// changes), then about once a minute with the count held back, not one line per request.
    let storeFailures = RepeatedWarning()

    init(
        configuration: GatewayConfiguration, broker: Broker, catalog: ToolCatalogCache, replies: ReplyListener, backlog: BacklogMonitor,
        rateLimiter: ClientRateLimiter, logger: Logger
    ) {
        self.verifier = EnvelopeVerifier(
            keyRing: configuration.keyRing, bodyLimit: configuration.bodyLimit,
            skewMillis: configuration.skew.components.seconds * 1000, catalog: catalog)
        self.signer = ResponseSigner(serverID: configuration.keyRing.serverID, key: configuration.keyRing.serverKey)
        self.broker = broker
        self.replies = replies
        self.backlog = backlog
        self.syncBudget = configuration.syncBudget
        self.rateLimiter = rateLimiter
        self.inFlight = InFlightBodies(limit: configuration.inFlightBodyLimit, bodyLimit: configuration.bodyLimit)
        self.logger = logger
    }

    /// Answers a request body; never throws — every failure is a signed error response.
    func handle(_ body: [UInt8]) async -> GatewayAnswer {
        let started = ContinuousClock.now
        let answer = await process(body, source: .http).answer
        metrics.answered(answer, after: ContinuousClock.now - started)
        return answer
    }

    /// The one path every envelope takes, whichever door it came in by:
    /// verification, then a control tool or a published job. Never throws.
    /// `redelivery`: an ingress entry handled before and never acknowledged (its first
    /// handling may have spent the nonce of a control call before failing).
    func process(_ body: [UInt8], source: EnvelopeSource, redelivery: Bool = false) async -> EnvelopeOutcome {
        var parsed: JSONValue?
        let admitted = inFlight.acquire(body.count)
        defer { if admitted { inFlight.release(body.count) } }
        do {
            guard admitted else {
                throw GatewayFailure.busyVerifying(inFlight: inFlight.inFlight, limit: inFlight.limit)
            }
            let envelope = try verifier.decode(body, parsed: &parsed)
            let client = try verifier.authenticate(envelope, nowMillis: UnixTime.nowMillis())
            if let retryAfter = rateLimiter.admit(client.id) {
                throw GatewayFailure.rateLimited(client: client.id, ratePerSecond: rateLimiter.ratePerSecond, retryAfterSeconds: retryAfter)
            }
            let target = try await verifier.authorize(envelope, client: client)
            let answer: GatewayAnswer
            switch target {
            case .control(let tool):
                answer = try await answerControl(tool, envelope: envelope, redelivery: redelivery)
                if case .ingress(let results?) = source {  // a control tool's answer is its result
                    let response = answer.response
                    try await broker.announce([JobNotice(
                        jobID: "", requestID: envelope.requestID, clientID: envelope.clientID,
                        status: response.ok ? JobStatus.done.rawValue : JobStatus.error.rawValue,
                        resultJSON: response.result.map { CanonicalJSON.string(.object($0)) } ?? "{}",
                        error: response.ok ? nil : JobError(code: response.result?["code"]?.stringValue ?? "error", message: response.error ?? ""))
                    ], to: results)
                }
            case .worker(let descriptor):
                answer = try await submit(envelope, body: body, descriptor: descriptor, source: source)
            }
            return EnvelopeOutcome(answer: answer, failure: nil, clientID: envelope.clientID, requestID: envelope.requestID)
        } catch {
            let failure = Self.failure(from: error)
            metrics.refused(failure)
            let requestID = EnvelopeVerifier.requestID(of: parsed)
            // A poisoned key is the operator's to repair: logged with what Redis said (the key it names).
            let operatorsProblem = failure.code == .internal || failure.code == .storeCorrupt
            var metadata: Logger.Metadata = ["request.id": "\(requestID)", "error.code": "\(failure.code)", "source": "\(source)"]
            if operatorsProblem, let underlying = failure.underlying { metadata["error.detail"] = "\(underlying)" }
            if failure.code == .unavailable, let underlying = failure.underlying {
                // An outage answers every request 503: said once (then about once a minute), with Redis's own words.
                let (level, heldBack) = storeFailures.level(for: "redis", cause: RepeatedWarning.cause(of: underlying))
                metadata["error.detail"] = "\(underlying)"
                metadata["repeats"] = "\(heldBack)"
                logger.log(level: level, "Redis failed a request: answering 503 unavailable", metadata: metadata)
            } else {
                logger.log(level: operatorsProblem ? .error : .debug, "request refused", metadata: metadata)
            }
            return EnvelopeOutcome(
                answer: signer.failure(failure, requestID: requestID), failure: failure,
                clientID: parsed?.objectValue?["client_id"]?.stringValue ?? "", requestID: requestID)
        }
    }

    /// Answers a failure that happened before a body could be read (e.g. too large).
    func refuse(_ failure: GatewayFailure) -> GatewayAnswer {
        let answer = signer.failure(failure, requestID: "")
        metrics.refused(failure)
        metrics.answered(answer, after: .zero)
        return answer
    }

    static func failure(from error: any Error) -> GatewayFailure {
        switch error {
        case let failure as GatewayFailure: return failure
        case let broker as BrokerError where broker.code == .notReplicated: return .notReplicated(broker.message, underlying: broker)
        case let broker as BrokerError where broker.isPoisonValue: return .storeCorrupt(broker.message, underlying: broker)
        case let broker as BrokerError: return .unavailable(broker.publicSummary, underlying: broker)
        default: return .internalError("\(error)")
        }
    }

    /// Steps 11–13 and publish for a worker tool; then, for a sync tool (when
    /// the caller can wait: not ingress), the wait. An ingress entry's results
    /// stream becomes a watcher of the job (a duplicate request's existing job too).
    private func submit(_ envelope: Envelope, body: [UInt8], descriptor: ToolDescriptor, source: EnvelopeSource) async throws -> GatewayAnswer {
        let mayWait = source == .http
        var resultsTo: ResultsStream?
        if case .ingress(let results) = source { resultsTo = results }
        if !backlog.admitsSubmission() { throw GatewayFailure.overloaded(backlog: backlog.backlog, limit: backlog.backlogLimit) }
        if let mismatch = backlog.partitionMismatch { throw GatewayFailure.partitionMismatch(mismatch.message) }
        let jobID = broker.makeJobID(client: envelope.clientID, key: envelope.requestID)
        let budget = min(descriptor.syncBudget, syncBudget)
        // A zero budget never waits: otherwise a fast worker's reply could still be taken and answered inline.
        let waits = mayWait && descriptor.mode == .sync && budget > .zero
        let ticket = waits ? replies.register(jobID: jobID) : nil
        let outcome: AcceptOutcome
        do {
            outcome = try await broker.accept(JobSubmission(
                jobID: jobID, envelopeJSON: String(decoding: body, as: UTF8.self), tool: envelope.tool,
                mode: descriptor.mode.rawValue, clientID: envelope.clientID, requestID: envelope.requestID,
                nonce: envelope.nonce, replyTo: waits ? replies.gatewayID : nil, resultsTo: resultsTo,
                fingerprint: envelope.callFingerprint))
        } catch {
            if let ticket { replies.unregister(ticket) }
            throw error
        }
        switch outcome {
        case .replayed:
            if let ticket { replies.unregister(ticket) }
            throw GatewayFailure.replayed
        case .reused(let existing):
            if let ticket { replies.unregister(ticket) }
            throw GatewayFailure.requestIDReused(envelope.requestID, jobID: existing)
        case .duplicate(let existing):
            if let ticket { replies.unregister(ticket) }
            // The record is keyed by client, but check the owner anyway: never hand one client another's job.
            guard let record = try await broker.job(existing), record.clientID == envelope.clientID else {
                throw GatewayFailure.unknownJob("for this request_id (it has expired)")
            }
            if let resultsTo { _ = try await broker.announceWhenFinished(jobID: existing, to: resultsTo) }
            return signer.job(record, requestID: envelope.requestID)
        case .accepted:
            logger.debug("job accepted", metadata: ["request.id": "\(envelope.requestID)", "job.id": "\(jobID)", "tool.name": "\(envelope.tool)"])
            guard let ticket else {
                return signer.answer(.accepted, requestID: envelope.requestID, wire: .accepted, result: Self.accepted(jobID))
            }
            guard let reply = await replies.wait(ticket, budget: budget) else {
                return signer.answer(.accepted, requestID: envelope.requestID, wire: .accepted, result: Self.accepted(jobID))
            }
            if reply.status == .done {
                return signer.answer(.ok, requestID: envelope.requestID, wire: .ok, result: reply.result ?? JSONObject([]))
            }
            let error = reply.error ?? JobError(code: reply.status.rawValue, message: "the job did not succeed")
            return signer.answer(
                .ok, requestID: envelope.requestID, wire: .error, ok: false,
                result: JSONObject([("code", .string(error.code)), ("job_id", .string(jobID))]), error: error.description)
        }
    }

    static func accepted(_ jobID: String) -> JSONObject {
        JSONObject([("job_id", .string(jobID)), ("status", .string(JobStatus.queued.rawValue))])
    }
}
