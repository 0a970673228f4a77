import HTTPTypes
import Hummingbird
import MCPWire
import NIOCore

/// The HTTP surface of MCP: `POST /mcp`; `GET` and `DELETE` answer 405 (stateless: no SSE stream, no session).
struct MCPRoutes: Sendable {
    let handler: MCPHandler
    let signer: MCPResponseSigner
    let bodyLimit: Int

    func register(on router: Router<BasicRequestContext>) {
        router.post("/mcp") { request, _ in
            await self.post(request)
        }
        for method in GatewayRoutes.refusableMethods where method != .post {
            router.on("/mcp", method: method) { _, _ in Self.notAllowed() }
        }
        // RFC 9728: the resource's own well-known URL, and the root one clients also try.
        router.get(RouterPath(ProtectedResourceMetadata.path + "/mcp")) { _, _ in await self.metadata() }
        router.get(RouterPath(ProtectedResourceMetadata.path)) { _, _ in await self.metadata() }
        GatewayRoutes.refuseOtherMethods(ProtectedResourceMetadata.path + "/mcp", allow: .get, on: router)
        GatewayRoutes.refuseOtherMethods(ProtectedResourceMetadata.path, allow: .get, on: router)
    }

    private func post(_ request: Request) async -> Response {
        if let declared = DeclaredLength.of(request.headers[.contentLength]), declared > bodyLimit {
            return tooLarge(request)  // answered before the body is read; the connection guard discards the rest
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch {
            switch BodyReadFailure.of(error) {
            case .tooLarge: return tooLarge(request)
            case .malformed(let why): return refuse(.parse("the request body cannot be read: \(why)"), request)
            }
        }
        let path = request.head.path ?? "/mcp"
        let answer = await handler.handle(
            method: request.method.rawValue, path: path, host: request.head.authority,
            headers: request.headers, body: Array(body.readableBytesView))
        return respond(answer, to: request.headers)
    }

    private func tooLarge(_ request: Request) -> Response {
        refuse(.payloadTooLarge(limit: bodyLimit), request)
    }

    /// A refusal before the body was read, so with no request id to answer to.
    private func refuse(_ failure: JSONRPCError, _ request: Request) -> Response {
        respond(MCPAnswer(status: failure.httpStatus, body: JSONRPCResponse.error(id: .null, failure)), to: request.headers)
    }

    private func respond(_ answer: MCPAnswer, to request: HTTPFields) -> Response {
        var headers = signer.headers(status: answer.status, body: answer.body, request: request)
        if !answer.body.isEmpty { headers[.contentType] = "application/json" }
        if let seconds = answer.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        if let challenge = answer.wwwAuthenticate { headers[.wwwAuthenticate] = challenge }
        return Response(status: answer.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    private func metadata() async -> Response {
        guard let document = await handler.protectedResourceMetadata() else {
            return Response(status: .serviceUnavailable, headers: [.retryAfter: "1"], body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"the gateway is starting\"}")))
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
            body: .init(byteBuffer: ByteBuffer(bytes: document)))
    }

    private static func notAllowed() -> Response {
        Response(status: .methodNotAllowed, headers: [.allow: "POST"], body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"stateless server: POST JSON-RPC requests to /mcp\"}")))
    }
}
