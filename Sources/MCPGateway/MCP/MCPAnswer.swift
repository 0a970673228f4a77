import HTTPTypes

/// What `/mcp` sends back for one HTTP request: a status and a JSON body (empty for 202).
struct MCPAnswer: Sendable {
    let status: HTTPResponse.Status
    let body: [UInt8]
    let retryAfterSeconds: Int?
    /// The `WWW-Authenticate` challenge of a 401 or 403.
    let wwwAuthenticate: String?

    init(status: HTTPResponse.Status, body: [UInt8], retryAfterSeconds: Int? = nil, wwwAuthenticate: String? = nil) {
        self.status = status
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
        self.wwwAuthenticate = wwwAuthenticate
    }
}
