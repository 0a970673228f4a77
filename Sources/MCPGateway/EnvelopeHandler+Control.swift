import HTTPTypes
import MCPBroker
import MCPTools
import MCPWire

extension EnvelopeHandler {
    /// Answers `server_identity`, `poll_job` and `cancel_job`. Each consumes the
    /// envelope's nonce first (SET NX), so control calls cannot be replayed either;
    /// the same ingress entry handled again (`redelivery`: its first handling failed
    /// after spending the nonce) is answered again, as a job's entry finds its job.
    func answerControl(_ tool: ControlTool, envelope: Envelope, redelivery: Bool = false) async throws -> GatewayAnswer {
        // A poll by request id is about the job of that request: its partition is that request's.
        let fresh = try await broker.consumeNonce(
            client: envelope.clientID, nonce: envelope.nonce, partitionKey: envelope.args["request_id"]?.stringValue ?? envelope.requestID,
            aboutJob: envelope.args["job_id"]?.stringValue)
        guard fresh || redelivery else { throw GatewayFailure.replayed }
        switch tool {
        case .serverIdentity:
            return signer.answer(.ok, requestID: envelope.requestID, wire: .ok, result: await identity())
        case .pollJob:
            return try await poll(envelope)
        case .cancelJob:
            return try await cancel(envelope)
        }
    }

    /// Identity and capabilities, with the catalog read fresh (a rare call; the cache may be seconds old).
    private func identity() async -> JSONObject {
        let keyRing = verifier.keyRing
        let workerTools = (try? await broker.catalog()) ?? verifier.catalog.descriptors
        let tools = (ControlTool.allCases.map(\.rawValue) + workerTools.map(\.name)).sorted()
        return JSONObject([
            ("server_id", .string(keyRing.serverID)),
            ("fingerprint", .string(keyRing.serverSecretFingerprint)),
            ("capabilities", .object(JSONObject([
                ("protocol", .array([.string(Envelope.version)])),
                ("tools", .array(tools.map { .string($0) })),
                ("async_jobs", .bool(true)),
                ("polling", .bool(true)),
                ("cancellation", .bool(true)),
            ]))),
        ])
    }

    private func poll(_ envelope: Envelope) async throws -> GatewayAnswer {
        let record: JobRecord?
        let what: String
        if let jobID = envelope.args["job_id"]?.stringValue {
            record = try await broker.job(jobID)
            what = GatewayFailure.quoted(jobID)
        } else if let requestID = envelope.args["request_id"]?.stringValue {
            record = try await broker.job(forRequest: requestID, client: envelope.clientID)
            what = "for request_id \(GatewayFailure.quoted(requestID))"
        } else {
            throw GatewayFailure.invalidArgs("args: give job_id or request_id")
        }
        // A foreign job answers exactly like an unknown one: ids of other clients' jobs are not confirmed.
        guard let record, record.clientID == envelope.clientID else { throw GatewayFailure.unknownJob(what) }
        return signer.job(record, requestID: envelope.requestID)
    }

    private func cancel(_ envelope: Envelope) async throws -> GatewayAnswer {
        let jobID = envelope.args["job_id"]?.stringValue ?? ""
        let outcome = try await broker.cancel(jobID: jobID, client: envelope.clientID)
        let state: String
        switch outcome {
        case .unknown: throw GatewayFailure.unknownJob(GatewayFailure.quoted(jobID))
        case .cancelled: state = "cancelled"
        case .cancelling: state = "cancelling"
        case .alreadyFinished(let status): state = status.rawValue
        }
        let result = JSONObject([("job_id", .string(jobID)), ("status", .string(state))])
        return signer.answer(.ok, requestID: envelope.requestID, wire: .ok, result: result)
    }
}
