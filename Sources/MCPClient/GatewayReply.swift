import MCPWire

/// A gateway's answer: the HTTP status and the decoded, verified response.
public struct GatewayReply: Sendable {
    /// The HTTP status code.
    public let httpStatus: Int
    /// The signed `mcp/0.1` response.
    public let response: Response
    /// `Retry-After` seconds, when the gateway asked the client to back off.
    public let retryAfterSeconds: Int?

    /// The job id of an accepted or polled job, if the result carries one.
    public var jobID: String? { response.result?["job_id"]?.stringValue }

    /// The error code at the start of `error` (`bad_signature`, …), if any.
    public var errorCode: String? { response.error.map { String($0.prefix { $0 != ":" }) } }
}
