import HTTPTypes
import MCPBroker
import MCPWire

/// Builds `mcp/0.1` responses signed with the server secret. Errors carry
/// their code at the start of `error` and in `result.code`, and never any
/// member beyond the nine the original strict models allow.
struct ResponseSigner: Sendable {
    let serverID: String
    let key: HMACKey

    func answer(_ status: HTTPResponse.Status, requestID: String, wire: ResponseStatus, ok: Bool = true, result: JSONObject?, error: String? = nil) -> GatewayAnswer {
        let response = Response(
            v: Envelope.version, requestID: requestID, tsMs: JSONInteger(UnixTime.nowMillis()), ok: ok,
            serverID: serverID, status: wire, result: result, error: error, signature: ""
        ).signed(with: key)
        return GatewayAnswer(status: status, response: response, retryAfterSeconds: nil)
    }

    func failure(_ failure: GatewayFailure, requestID: String) -> GatewayAnswer {
        let signed = answer(
            failure.status, requestID: requestID, wire: .error, ok: false,
            result: JSONObject([("code", .string(failure.code.description))]), error: "\(failure.code): \(failure.message)")
        return GatewayAnswer(status: signed.status, response: signed.response, retryAfterSeconds: failure.retryAfterSeconds)
    }

    /// A job's state as a response: the wire status mapped from the job status.
    func job(_ record: JobRecord, requestID: String) -> GatewayAnswer {
        answer(.ok, requestID: requestID, wire: Self.wireStatus(record.status), result: record.json(), error: record.error?.description)
    }

    static func wireStatus(_ status: JobStatus) -> ResponseStatus {
        switch status {
        case .queued: return .accepted
        case .running: return .running
        case .done: return .done
        case .error, .cancelled: return .error
        }
    }
}
