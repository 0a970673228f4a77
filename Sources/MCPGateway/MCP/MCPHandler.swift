import HTTPTypes
import Logging
import MCPBroker
import MCPHTTPSignatures
import MCPTools
import MCPWire
import RedisClient

/// `POST /mcp`: MCP Streamable HTTP, stateless, JSON responses. Authenticates
/// with RFC 9421 signatures, picks the protocol generation per request, and
/// turns `tools/call` into the same job as an envelope, through the same broker.
/// Each answer belongs to its HTTP request; JSON-RPC ids are only echoed.
final class MCPHandler: Sendable {
    let authenticator: MCPRequestAuthenticator
    let broker: Broker
    let catalog: ToolCatalogCache
    let replies: ReplyListener
    let backlog: BacklogMonitor
    let serverID: String
    let callWait: Duration
    let logger: Logger

    init(configuration: GatewayConfiguration, broker: Broker, catalog: ToolCatalogCache, replies: ReplyListener, backlog: BacklogMonitor, logger: Logger) {
        self.authenticator = MCPRequestAuthenticator(keyRing: configuration.keyRing, skewSeconds: configuration.skew.components.seconds)
        self.broker = broker
        self.catalog = catalog
        self.replies = replies
        self.backlog = backlog
        self.serverID = configuration.keyRing.serverID
        self.callWait = configuration.mcpCallWait
        self.logger = logger
    }

    /// Answers one HTTP request to `/mcp`.
    func handle(method: String, targetURI: String, authority: String, path: String, headers: HTTPFields, body: [UInt8]) async -> MCPAnswer {
        let id = JSONRPCRequest.bestEffortID(body)
        do {
            let (client, nonce) = try authenticate(method: method, targetURI: targetURI, authority: authority, path: path, headers: headers, body: body)
            let request = try JSONRPCRequest.decode(body)
            let generation = try Self.generation(of: request, header: headers[.mcpProtocolVersion])
            try Self.checkRoutingHeaders(request, method: headers[.mcpMethod], name: headers[.mcpName])
            let call = MCPCall(request: request, client: client, nonce: nonce, generation: generation)
            if request.isNotification {
                try await consume(call)
                return MCPAnswer(status: .accepted, body: [])
            }
            let result = try await dispatch(call)
            return MCPAnswer(status: .ok, body: JSONRPCResponse.result(id: request.id ?? .null, result))
        } catch let error as JSONRPCError {
            logger.debug("mcp request refused", metadata: ["error.code": "\(error.code)", "error.message": "\(error.message)"])
            return MCPAnswer(status: error.httpStatus, body: JSONRPCResponse.error(id: id, error), retryAfterSeconds: error.httpStatus == .tooManyRequests || error.httpStatus == .serviceUnavailable ? 1 : nil)
        } catch let error as RedisError {
            let failure = JSONRPCError.unavailable("\(error.code): \(error.message)")
            return MCPAnswer(status: failure.httpStatus, body: JSONRPCResponse.error(id: id, failure), retryAfterSeconds: 1)
        } catch {
            let failure = JSONRPCError.internalError("\(error)")
            return MCPAnswer(status: failure.httpStatus, body: JSONRPCResponse.error(id: id, failure))
        }
    }

    private func authenticate(method: String, targetURI: String, authority: String, path: String, headers: HTTPFields, body: [UInt8]) throws(JSONRPCError) -> (ClientEntry, String) {
        do {
            return try authenticator.authenticate(
                method: method, targetURI: targetURI, authority: authority, path: path, headers: headers, body: body,
                nowSeconds: UnixTime.nowMillis() / 1000)
        } catch {
            throw .unauthorized(code: error.code, message: error.message)
        }
    }

    /// 2025-11-25 unless the request names 2026-07-28 (header or `_meta`); `initialize` is always the handshake generation.
    static func generation(of request: JSONRPCRequest, header: String?) throws(JSONRPCError) -> MCPProtocol {
        if request.method == "initialize" { return .v2025_11_25 }
        if request.method == "server/discover" { return .v2026_07_28 }
        let named = request.params["_meta"]?.objectValue?[MCPProtocol.versionMetaKey]?.stringValue ?? header
        guard let named else { return .v2025_11_25 }
        if named == MCPProtocol.v2026_07_28.rawValue { return .v2026_07_28 }
        if MCPProtocol.handshakeVersions.contains(named) { return .v2025_11_25 }
        throw .unsupportedVersion(named)
    }

    /// 2026-07-28 routing headers must agree with the body (`-32020`): an edge that
    /// routes or authorises on `Mcp-Method`/`Mcp-Name` must see what actually runs.
    static func checkRoutingHeaders(_ request: JSONRPCRequest, method: String?, name: String?) throws(JSONRPCError) {
        if let method, method != request.method {
            throw JSONRPCError(-32020, "Header mismatch: Mcp-Method is \"\(method)\" but the body calls \"\(request.method)\"", data: ["code": "header_mismatch"], httpStatus: .badRequest)
        }
        guard let name else { return }
        let named: String?
        switch request.method {
        case "tools/call": named = request.params["name"]?.stringValue
        case "tasks/get", "tasks/update", "tasks/cancel", "tasks/result": named = request.params["taskId"]?.stringValue
        default: named = nil
        }
        if let named, named != name {
            throw JSONRPCError(-32020, "Header mismatch: Mcp-Name is \"\(name)\" but the body names \"\(named)\"", data: ["code": "header_mismatch"], httpStatus: .badRequest)
        }
    }

    /// Consumes the signature's nonce (SET NX): a replayed request is refused before it does anything.
    func consume(_ call: MCPCall) async throws {
        let fresh = try await broker.consumeNonce(client: call.client.id, nonce: call.nonce)
        guard fresh else { throw JSONRPCError.unauthorized(code: "replayed", message: "this signature nonce was already used: sign every request with a fresh nonce") }
    }

    private func dispatch(_ call: MCPCall) async throws -> JSONObject {
        switch call.request.method {
        case "tools/call":
            return try await callTool(call)  // consumes the nonce itself, atomically with the job
        case "initialize", "server/discover", "ping", "tools/list", "tasks/get", "tasks/result", "tasks/cancel", "tasks/update":
            try await consume(call)
        default:
            try await consume(call)
            throw JSONRPCError.methodNotFound(call.request.method)
        }
        switch call.request.method {
        case "initialize": return initialize()
        case "server/discover": return discover()
        case "ping": return call.complete([:])
        case "tools/list": return try await listTools(call)
        case "tasks/get": return try await getTask(call)
        case "tasks/result": return try await taskResult(call)
        case "tasks/cancel": return try await cancelTask(call)
        default: return try await updateTask(call)
        }
    }

    private func initialize() -> JSONObject {
        [
            "protocolVersion": .string(MCPProtocol.v2025_11_25.rawValue),
            "capabilities": [
                "tools": ["listChanged": false],
                "tasks": ["cancel": [:], "requests": ["tools": ["call": [:]]]],
            ],
            "serverInfo": ["name": "mcpstreams", "version": .string(MCPStreamsVersion.current)],
            "instructions": .string("Stateless MCP over Redis: any gateway answers any request or task (server \(serverID))."),
        ]
    }

    private func discover() -> JSONObject {
        [
            "supportedVersions": .array(MCPProtocol.allCases.reversed().map { .string($0.rawValue) }),
            "capabilities": ["tools": [:], "extensions": .object(JSONObject([(MCPProtocol.tasksExtension, .object([:]))]))],
            "resultType": "complete", "ttlMs": 0, "cacheScope": "private",
            "_meta": ["io.modelcontextprotocol/serverInfo": ["name": "mcpstreams", "version": .string(MCPStreamsVersion.current)]],
        ]
    }
}
