import HTTPTypes
import Logging
import MCPBroker
import MCPHTTPSignatures
import MCPTools
import MCPWire
import Synchronization

/// `POST /mcp`: MCP Streamable HTTP, stateless, JSON responses. Authenticates
/// with RFC 9421 signatures, API keys or OAuth access tokens (DPoP-bound or
/// not), picks the protocol generation per request, and
/// turns `tools/call` into the same job as an envelope, through the same broker.
/// Each answer belongs to its HTTP request; JSON-RPC ids are only echoed.
final class MCPHandler: Sendable {
    let authenticator: MCPRequestAuthenticator
    let bearer: BearerAuthenticator
    /// The configured OAuth resource URL, when set (else `<origin>/mcp`).
    let configuredResource: String?
    /// The issuer named in the protected-resource metadata, when OAuth is on.
    let issuer: String?
    let broker: Broker
    let catalog: ToolCatalogCache
    let replies: ReplyListener
    let backlog: BacklogMonitor
    let serverID: String
    let callWait: Duration
    let rateLimiter: ClientRateLimiter
    let logger: Logger

    init(
        configuration: GatewayConfiguration, broker: Broker, catalog: ToolCatalogCache, replies: ReplyListener, backlog: BacklogMonitor,
        rateLimiter: ClientRateLimiter, logger: Logger
    ) {
        self.authenticator = MCPRequestAuthenticator(keyRing: configuration.keyRing, skewSeconds: configuration.skew.components.seconds)
        self.bearer = BearerAuthenticator(keyRing: configuration.keyRing, oauth: configuration.oauth, logger: logger)
        self.configuredResource = configuration.oauth?.resource
        self.issuer = configuration.oauth?.issuer
        self.broker = broker
        self.catalog = catalog
        self.replies = replies
        self.backlog = backlog
        self.serverID = configuration.keyRing.serverID
        self.callWait = configuration.mcpCallWait
        self.rateLimiter = rateLimiter
        self.logger = logger
        self.origin = Mutex(configuration.publicURL.flatMap { PublicOrigin(url: $0) })
    }

    /// Where this deployment's `/mcp` is reached: the configured public URL, or
    /// (by default) the address the server listens on, known once it is bound.
    private let origin: Mutex<PublicOrigin?>

    /// Sets the origin signatures are checked against (the listening address, when none is configured).
    func serve(at origin: PublicOrigin) {
        self.origin.withLock { if $0 == nil { $0 = origin } }
    }

    /// Loads the OAuth issuer's signing keys, when OAuth is configured (a failure is logged and retried on demand).
    func loadIssuerKeys() async {
        await bearer.start()
    }

    /// This server's canonical resource URL (RFC 8707, RFC 9728): configured, or `<origin>/mcp`.
    func resource(at origin: PublicOrigin) -> String {
        configuredResource ?? origin.targetURI(path: "/mcp")
    }

    /// The RFC 9728 document for `GET /.well-known/oauth-protected-resource[/mcp]`;
    /// `nil` until the origin is known.
    func protectedResourceMetadata() async -> [UInt8]? {
        guard let origin = origin.withLock({ $0 }) else { return nil }
        if catalog.descriptors.isEmpty { await catalog.refresh() }
        return ProtectedResourceMetadata.document(resource: resource(at: origin), issuer: issuer, tools: catalog.descriptors.map(\.name))
    }

    /// Where the protected-resource metadata of `/mcp` is (RFC 9728 §3.1: the
    /// well-known prefix inserted before the resource's path).
    func metadataURL(at origin: PublicOrigin) -> String {
        origin.targetURI(path: ProtectedResourceMetadata.path + "/mcp")
    }

    /// Answers one HTTP request to `/mcp`. `host` is the request's own `Host`,
    /// used only to explain a signature made for another origin.
    ///
    /// The signature (over the raw body's digest) is checked before the body is
    /// parsed, so an unauthenticated body is never turned into a JSON tree
    /// (only a small one is scanned for its id, to echo it in the error).
    /// After authentication every refusal spends the nonce, so a refused request
    /// cannot be replayed later (when it might succeed): its replay is `replayed`.
    func handle(method: String, path: String, host: String?, headers: HTTPFields, body: [UInt8]) async -> MCPAnswer {
        var id: JSONValue = .null
        var authenticated: MCPIdentity?
        let spent = NonceSpent()
        let origin = origin.withLock({ $0 })
        do {
            guard let origin else {
                throw JSONRPCError.unavailable("the gateway is starting; retry shortly")
            }
            let identity: MCPIdentity
            do {
                identity = try await authenticate(method: method, origin: origin, path: path, host: host, headers: headers, body: body)
            } catch {
                if body.count <= Self.idScanLimit { id = JSONRPCRequest.bestEffortID(body) }
                throw error
            }
            authenticated = identity
            let client = identity.client
            if !identity.replayGuarded { spent.mark() }  // nothing one-time to spend
            if let retryAfter = rateLimiter.admit(client.id) {
                throw JSONRPCError.rateLimited(client: client.id, ratePerSecond: rateLimiter.ratePerSecond, retryAfterSeconds: retryAfter)
            }
            let request = try JSONRPCRequest.decode(body)
            id = request.id ?? .null
            let generation = try Self.generation(of: request, header: headers[.mcpProtocolVersion])
            try Self.checkRoutingHeaders(request, method: headers[.mcpMethod], name: headers[.mcpName])
            let call = MCPCall(
                request: request, client: client, nonce: identity.nonce, replayGuarded: identity.replayGuarded, scopes: identity.scopes,
                generation: generation, spent: spent)
            if request.isNotification {
                try await consume(call)
                return MCPAnswer(status: .accepted, body: [])
            }
            let result = try await dispatch(call)
            return MCPAnswer(status: .ok, body: JSONRPCResponse.result(id: request.id ?? .null, result))
        } catch {
            var error = error
            if let authenticated, !spent.value {
                error = await spend(client: authenticated.client.id, nonce: authenticated.nonce, refusal: error)
            }
            return answer(error, id: id, origin: origin)
        }
    }

    /// The largest unauthenticated body scanned for its JSON-RPC id (to echo in the error).
    static let idScanLimit = 64 << 10

    /// Spends the nonce of an authenticated request that was refused; the refusal
    /// stands, unless the nonce was used already: then the request is a replay.
    private func spend(client: String, nonce: String, refusal: any Error) async -> any Error {
        do {
            let fresh = try await broker.consumeNonce(client: client, nonce: nonce, partitionKey: MCPCall.requestID(nonce: nonce))
            return fresh ? refusal : JSONRPCError.replayed
        } catch {
            return error
        }
    }

    private func answer(_ error: any Error, id: JSONValue, origin: PublicOrigin?) -> MCPAnswer {
        switch error {
        case let error as JSONRPCError:
            logger.debug("mcp request refused", metadata: [
                "error.code": "\(error.code)", "error.message": "\(error.message)", "error.cause": "\(error.underlying.map { "\($0)" } ?? "-")",
            ])
            let retryAfter = error.retryAfterSeconds ?? (error.httpStatus == .tooManyRequests || error.httpStatus == .serviceUnavailable ? 1 : nil)
            var challenge: String?
            if let origin, error.httpStatus == .unauthorized || error.httpStatus == .forbidden {
                challenge = BearerChallenge.header(for: error.bearer, metadataURL: metadataURL(at: origin), offersOAuth: issuer != nil)
            }
            return MCPAnswer(status: error.httpStatus, body: JSONRPCResponse.error(id: id, error), retryAfterSeconds: retryAfter, wwwAuthenticate: challenge)
        case let error as BrokerError:
            if error.isPoisonValue {
                let failure = JSONRPCError.storeCorrupt(error.message, underlying: error)
                return MCPAnswer(status: failure.httpStatus, body: JSONRPCResponse.error(id: id, failure))
            }
            let failure = error.code == .notReplicated
                ? JSONRPCError(-32603, JSONRPCError.Code(raw: "not_replicated"), "not_replicated: \(error.message)", httpStatus: .serviceUnavailable, retryAfterSeconds: 1, underlying: error)
                : JSONRPCError.unavailable(error.publicSummary, underlying: error)
            return MCPAnswer(status: failure.httpStatus, body: JSONRPCResponse.error(id: id, failure), retryAfterSeconds: 1)
        default:
            let failure = JSONRPCError.internalError("\(error)", underlying: error)
            return MCPAnswer(status: failure.httpStatus, body: JSONRPCResponse.error(id: id, failure))
        }
    }

    /// A signed request (RFC 9421) is checked as such, whatever else it carries;
    /// otherwise `Authorization` (API key or access token); otherwise it is refused.
    private func authenticate(method: String, origin: PublicOrigin, path: String, host: String?, headers: HTTPFields, body: [UInt8]) async throws(JSONRPCError) -> MCPIdentity {
        let now = UnixTime.nowMillis() / 1000
        let authorization = headers[values: .authorization]
        if headers[.signatureInput] != nil || headers[.signature] != nil || authorization.isEmpty {
            if authorization.isEmpty, headers[.signatureInput] == nil, headers[.signature] == nil {
                throw .bearer(BearerError(
                    .missingCredentials,
                    "authenticate: Authorization: Bearer <API key or OAuth access token>, or an RFC 9421 signature (Signature-Input, Signature)",
                    challenge: .none))
            }
            do {
                let (client, nonce) = try authenticator.authenticate(
                    method: method, origin: origin, path: path, host: host, headers: headers, body: body, nowSeconds: now)
                return MCPIdentity(client: client, method: .signature, nonce: nonce, replayGuarded: true, scopes: nil)
            } catch {
                throw .unauthorized(code: JSONRPCError.Code(raw: error.code.description), message: error.message, underlying: error)
            }
        }
        do {
            return try await bearer.authenticate(
                authorization: authorization, dpop: headers[values: .dpop], method: method, targetURI: origin.targetURI(path: path),
                resource: resource(at: origin), nowSeconds: now)
        } catch {
            throw .bearer(error)
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
            throw .headerMismatch("Mcp-Method is \"\(method)\" but the body calls \"\(request.method)\"")
        }
        guard let name else { return }
        let named: String?
        switch request.method {
        case "tools/call": named = request.params["name"]?.stringValue
        case "tasks/get", "tasks/update", "tasks/cancel", "tasks/result": named = request.params["taskId"]?.stringValue
        default: named = nil
        }
        if let named, named != name {
            throw .headerMismatch("Mcp-Name is \"\(name)\" but the body names \"\(named)\"")
        }
    }

    /// Consumes the signature's nonce or the DPoP proof's `jti` (SET NX): a
    /// replayed request is refused before it does anything. Plain bearer
    /// requests carry nothing one-time: nothing is written for them.
    func consume(_ call: MCPCall) async throws {
        guard call.replayGuarded else { return }
        let task = call.request.method.hasPrefix("tasks/") ? call.request.params["taskId"]?.stringValue : nil
        let fresh = try await broker.consumeNonce(client: call.client.id, nonce: call.nonce, partitionKey: call.requestID, aboutJob: task)
        call.spent.mark()
        guard fresh else { throw JSONRPCError.replayed }
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
