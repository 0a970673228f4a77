import HTTPTypes
import MCPWire

/// A signed `mcp/0.1` response and how to send it over HTTP.
struct GatewayAnswer: Sendable {
    /// The HTTP status.
    let status: HTTPResponse.Status
    /// The signed response.
    let response: Response
    /// `Retry-After` seconds, when the client should back off.
    let retryAfterSeconds: Int?
}
