import AsyncHTTPClient
import Foundation
import MCPWire
import NIOCore
import NIOHTTP1

/// Signs `mcp/0.1` envelopes and sends them to a gateway over HTTP.
public struct MCPStreamsClient: Sendable {
    /// The gateway base URL, e.g. `http://127.0.0.1:8080`.
    public let gatewayURL: String
    /// Who signs.
    public let credentials: ClientCredentials
    private let http: HTTPClient

    /// Creates a client; `http` defaults to the shared AsyncHTTPClient.
    public init(gatewayURL: String, credentials: ClientCredentials, http: HTTPClient = .shared) {
        self.gatewayURL = gatewayURL.hasSuffix("/") ? String(gatewayURL.dropLast()) : gatewayURL
        self.credentials = credentials
        self.http = http
    }

    /// A signed envelope for a tool call, with a fresh nonce and the current time.
    public func envelope(tool: String, args: JSONObject, requestID: String = UUID().uuidString.lowercased()) -> Envelope {
        Envelope(
            v: Envelope.version, requestID: requestID,
            tsMs: JSONInteger(Int64(Date().timeIntervalSince1970 * 1000)), clientID: credentials.clientID,
            serverID: credentials.serverID, tool: tool, args: args, nonce: UUID().uuidString.lowercased(), signature: ""
        ).signed(with: credentials.key)
    }

    /// Signs and sends a tool call.
    public func call(_ tool: String, args: JSONObject = JSONObject([]), requestID: String = UUID().uuidString.lowercased()) async throws -> GatewayReply {
        try await send(envelope(tool: tool, args: args, requestID: requestID).wireBytes())
    }

    /// Polls a job.
    public func poll(jobID: String) async throws -> GatewayReply {
        try await call("poll_job", args: JSONObject([("job_id", .string(jobID))]))
    }

    /// Cancels a job.
    public func cancel(jobID: String) async throws -> GatewayReply {
        try await call("cancel_job", args: JSONObject([("job_id", .string(jobID))]))
    }

    /// Posts raw bytes to `/v1/envelopes` and decodes (and, with a server key, verifies) the response.
    public func send(_ body: [UInt8]) async throws -> GatewayReply {
        var request = HTTPClientRequest(url: gatewayURL + "/v1/envelopes")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .seconds(30))
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw ClientError(code: .transport, message: "cannot reach the gateway at \(gatewayURL): \(error)", underlying: error)
        }
        let decoded: Response
        do {
            decoded = try Response(json: try JSONParser.parse(Array(bytes.readableBytesView)))
        } catch {
            throw ClientError(code: .badResponse, message: "HTTP \(response.status.code) with a body that is not an mcp/0.1 response: \(error)", underlying: error)
        }
        if let serverKey = credentials.serverKey, !decoded.verify(with: serverKey) {
            throw ClientError(code: .badResponseSignature, message: "the response is not signed with the server secret you gave")
        }
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }
        return GatewayReply(httpStatus: Int(response.status.code), response: decoded, retryAfterSeconds: retryAfter)
    }
}
