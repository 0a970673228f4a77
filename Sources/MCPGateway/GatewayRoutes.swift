import Hummingbird
import MCPBroker
import MCPTools
import MCPWire
import NIOCore

/// The HTTP surface: `POST /v1/envelopes`, `GET /v1/tools`, `/healthz`, `/readyz`.
struct GatewayRoutes: Sendable {
    let handler: EnvelopeHandler
    let broker: Broker
    let catalog: ToolCatalogCache
    let ingress: IngressHealth
    let bodyLimit: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/envelopes") { request, _ in
            await self.envelope(request)
        }
        router.get("/v1/tools") { _, _ in
            await self.tools()
        }
        router.get("/healthz") { _, _ in
            Self.json(.ok, ["status": "ok"])
        }
        router.get("/readyz") { _, _ in
            await self.readiness()
        }
        // HEAD, as every HTTP server owes its GET resources (a probe may send it): the GET's status and type, no body.
        router.on("/healthz", method: .head) { _, _ in Self.headOnly(Self.json(.ok, ["status": "ok"])) }
        router.on("/readyz", method: .head) { _, _ in Self.headOnly(await self.readiness()) }
        router.on("/v1/tools", method: .head) { _, _ in Self.headOnly(await self.tools()) }
        // A known path asked with another method: 405 naming the one it takes, not 404.
        Self.refuseOtherMethods("/v1/envelopes", allow: .post, on: router)
        for path in ["/v1/tools", "/healthz", "/readyz"] { Self.refuseOtherMethods(path, allow: .get, on: router) }
    }

    /// The methods a known path refuses with 405 when it does not take them (HEAD is answered where GET is).
    static let refusableMethods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .options, .trace]

    /// Answers 405 with `Allow: <allow>` to the other ``refusableMethods`` on `path`.
    static func refuseOtherMethods(_ path: String, allow: HTTPRequest.Method, on router: Router<BasicRequestContext>) {
        for method in refusableMethods where method != allow {
            router.on(RouterPath(path), method: method) { _, _ in Self.methodNotAllowed(allow: allow.rawValue) }
        }
    }

    /// A GET's answer without its body (`Content-Length: 0`), for HEAD.
    static func headOnly(_ response: Response) -> Response {
        var headers = response.headers
        headers[.contentLength] = nil
        return Response(status: response.status, headers: headers)
    }

    static func methodNotAllowed(allow: String) -> Response {
        Response(
            status: .methodNotAllowed, headers: [.allow: allow, .contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.bytes(.object([
                "error": .string("method_not_allowed: this path takes \(allow) only"), "code": "method_not_allowed",
            ])))))
    }

    private func envelope(_ request: Request) async -> Response {
        if let declared = DeclaredLength.of(request.headers[.contentLength]), declared > bodyLimit {
            return Self.http(handler.refuse(.payloadTooLarge(limit: bodyLimit)))
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch {
            switch BodyReadFailure.of(error) {
            case .tooLarge: return Self.http(handler.refuse(.payloadTooLarge(limit: bodyLimit)))
            case .malformed(let why): return Self.http(handler.refuse(.unreadableBody(why)))
            }
        }
        return Self.http(await handler.handle(Array(body.readableBytesView)))
    }

    private func tools() async -> Response {
        if catalog.descriptors.isEmpty { await catalog.refresh() }
        let all = ControlTool.allCases.map(\.descriptor) + catalog.descriptors
        return Self.json(.ok, ["tools": .array(all.map { $0.json() })])
    }

    private func readiness() async -> Response {
        do {
            try await broker.ping()
            let workers = try await broker.liveWorkers()
            // Ingress is reported, not made a condition: every gateway reads the same streams, so one
            // poisoned key would take every gateway's HTTP door out of service with it.
            let failing = ingress.failures
            let ingressState: JSONValue = failing.isEmpty
                ? "ok" : .object(JSONObject(failing.map { ($0.stream, .string($0.cause)) }))
            if workers.isEmpty {
                return Self.json(.serviceUnavailable, ["status": "no_workers", "redis": "ok", "workers": 0, "ingress": ingressState])
            }
            return Self.json(.ok, ["status": "ready", "redis": "ok", "workers": .integer(JSONInteger(Int64(workers.count))), "ingress": ingressState])
        } catch {
            // The code only: the message names the Redis host and user, which a probe must not learn.
            let code = error.code.description
            return Self.json(.serviceUnavailable, ["status": "redis_unreachable", "error": .string("redis \(code)")])
        }
    }

    static func http(_ answer: GatewayAnswer) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let seconds = answer.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        return Response(status: answer.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.response.wireBytes())))
    }

    static func json(_ status: HTTPResponse.Status, _ object: JSONObject) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.bytes(.object(object)))))
    }
}
