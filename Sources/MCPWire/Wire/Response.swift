/// An mcp/0.1 response, signed by the server.
///
/// Exactly nine members, the same ones the original design's pydantic model
/// has, so a client built like the tutorial can parse every response,
/// errors included (a machine-readable code starts `error`).
public struct Response: Sendable, Equatable {
    /// `v`: the protocol version.
    public let v: String
    /// `request_id`: echoes the request's id.
    public let requestID: String
    /// `ts_ms`: the server's Unix time in milliseconds.
    public let tsMs: JSONInteger
    /// `ok`: false exactly when the request failed.
    public let ok: Bool
    /// `server_id`: the answering deployment.
    public let serverID: String
    /// `status`: one of the five response statuses.
    public let status: ResponseStatus
    /// `result`: an object, or `null`.
    public let result: JSONObject?
    /// `error`: a message (starting with a code such as `bad_signature:`), or `null`.
    public let error: String?
    /// `signature`: lower-case hex HMAC-SHA256 of `signingBytes()`.
    public let signature: String

    /// Builds a response in code; sign it with `signed(with:)`.
    public init(
        v: String = Envelope.version, requestID: String, tsMs: JSONInteger, ok: Bool, serverID: String,
        status: ResponseStatus, result: JSONObject? = nil, error: String? = nil, signature: String = ""
    ) {
        self.v = v
        self.requestID = requestID
        self.tsMs = tsMs
        self.ok = ok
        self.serverID = serverID
        self.status = status
        self.result = result
        self.error = error
        self.signature = signature
    }

    /// Decodes a parsed response strictly: exactly the nine members, `ts_ms`
    /// an integer literal, `ok` a boolean, `status` one of the five values,
    /// `result` an object or `null`, `error` a string or `null`.
    public init(json: JSONValue) throws(WireDecodingError) {
        let reader = try JSONObjectReader(json: json)
        self.v = try reader.string("v")
        self.requestID = try reader.string("request_id")
        self.tsMs = try reader.integer("ts_ms")
        self.ok = try reader.bool("ok")
        self.serverID = try reader.string("server_id")
        let statusText = try reader.string("status")
        guard let status = ResponseStatus(rawValue: statusText) else {
            let allowed = ResponseStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw WireDecodingError(
                code: .invalidValue, member: "status",
                message: "member \"status\" must be one of \(allowed), got \(CanonicalJSON.string(.string(statusText)))")
        }
        self.status = status
        let result = try reader.member("result")
        self.result = result.isNull ? nil : try result.object()
        let error = try reader.member("error")
        self.error = error.isNull ? nil : try error.string()
        self.signature = try reader.string("signature")
        try reader.finish()
    }

    /// The response as a JSON object, members in the original design's order.
    public func json() -> JSONValue {
        .object(JSONObject(uncheckedMembers: [
            (key: "v", value: .string(v)),
            (key: "request_id", value: .string(requestID)),
            (key: "ts_ms", value: .integer(tsMs)),
            (key: "ok", value: .bool(ok)),
            (key: "server_id", value: .string(serverID)),
            (key: "status", value: .string(status.rawValue)),
            (key: "result", value: result.map { .object($0) } ?? .null),
            (key: "error", value: error.map { .string($0) } ?? .null),
            (key: "signature", value: .string(signature)),
        ]))
    }

    /// The response's wire bytes (canonical form, as the gateway sends it).
    public func wireBytes() -> [UInt8] {
        canonicalBytes(signature: signature)
    }
}
