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
    }

    private func envelope(_ request: Request) async -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > bodyLimit {
            return Self.http(handler.refuse(.payloadTooLarge(limit: bodyLimit)))
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch {
            return Self.http(handler.refuse(.payloadTooLarge(limit: bodyLimit)))
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
            if workers.isEmpty {
                return Self.json(.serviceUnavailable, ["status": "no_workers", "redis": "ok", "workers": 0])
            }
            return Self.json(.ok, ["status": "ready", "redis": "ok", "workers": .integer(JSONInteger(Int64(workers.count)))])
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
