import AsyncHTTPClient
import Foundation
import MCPWire
import NIOCore
import NIOHTTP1

/// A small MCP client for `/mcp`: signs each JSON-RPC request (RFC 9421),
/// verifies the response signature when it knows the server secret, and speaks
/// 2026-07-28 with the Tasks extension (or 2025-11-25 when asked).
public struct MCPHTTPClient: Sendable {
    /// One HTTP exchange with `/mcp`.
    public struct Reply: Sendable {
        /// HTTP status.
        public let status: Int
        /// Response headers, names lower-cased.
        public let headers: [String: String]
        /// The raw body.
        public let body: [UInt8]
        /// The parsed JSON-RPC message (nil for an empty body).
        public let message: JSONObject?

        /// `result`, when the call succeeded.
        public var result: JSONObject? { message?["result"]?.objectValue }
        /// `error`, when it failed.
        public var error: JSONObject? { message?["error"]?.objectValue }
        /// `error.data.code`, our stable code (`bad_signature`, `unknown_task`, …).
        public var errorCode: String? { error?["data"]?.objectValue?["code"]?.stringValue }
    }

    /// The `/mcp` URL, e.g. `http://127.0.0.1:8080/mcp`.
    public let url: String
    /// The request signer.
    public let signer: MCPRequestSigner
    /// The response verifier, when the server secret is known.
    public let verifier: MCPResponseVerifier?
    /// A bearer token (API key or OAuth access token) sent instead of a signature, when set.
    public let bearer: String?
    private let http: HTTPClient

    /// Creates a client that signs every request with `signer`.
    public init(url: String, signer: MCPRequestSigner, verifier: MCPResponseVerifier? = nil, http: HTTPClient = .shared) {
        self.url = url
        self.signer = signer
        self.verifier = verifier
        self.bearer = nil
        self.http = http
    }

    /// Creates a client that sends `Authorization: Bearer <token>` (an API key
    /// or an OAuth access token) on every request instead of a signature.
    public init(url: String, bearer: String, verifier: MCPResponseVerifier? = nil, http: HTTPClient = .shared) {
        self.url = url
        self.signer = MCPRequestSigner(clientID: "bearer", secret: Array("unused".utf8))
        self.verifier = verifier
        self.bearer = bearer
        self.http = http
    }

    /// The `_meta` a 2026-07-28 request carries: version, client info, and the Tasks extension.
    public static let modernMeta: JSONObject = [
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": ["name": "mcpctl", "version": "0.1.0"],
        "io.modelcontextprotocol/clientCapabilities": ["extensions": ["io.modelcontextprotocol/tasks": [:]]],
    ]

    /// Sends one 2026-07-28 request (with `_meta` added) and returns the reply.
    public func request(_ method: String, params: JSONObject = [:], id: JSONValue = .string(UUID().uuidString.lowercased())) async throws -> Reply {
        var params = params
        params["_meta"] = .object(Self.modernMeta)
        let body = CanonicalJSON.bytes(.object(["jsonrpc": "2.0", "id": id, "method": .string(method), "params": .object(params)]))
        return try await post(body, headers: [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", method)])
    }

    /// Signs (or adds the bearer token to) and posts raw bytes; `sign: false` sends
    /// only `headers` (tests use it for malformed and tampered requests).
    public func post(_ body: [UInt8], headers extra: [(String, String)] = [], sign: Bool = true) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        for (name, value) in extra { request.headers.replaceOrAdd(name: name, value: value) }
        if sign, let bearer {
            request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(bearer)")
        } else if sign {
            for (name, value) in try signer.headers(targetURI: url, body: body) { request.headers.replaceOrAdd(name: name, value: value) }
        }
        var sent = [String: String]()
        for header in request.headers { sent[header.name.lowercased()] = header.value }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(120))
        let bytes = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        var headers = [String: String]()
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        let status = Int(response.status.code)
        if let verifier, !verifier.verify(status: status, headers: headers, body: bytes, request: sent) {
            throw ClientError(code: .badResponseSignature, message: "the /mcp response is not signed with the server secret you gave, or not for this request")
        }
        let message = bytes.isEmpty ? nil : (try? JSONParser.parse(bytes))?.objectValue
        return Reply(status: status, headers: headers, body: bytes, message: message)
    }
}
