import HTTPTypes
import Hummingbird
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
        router.get("/mcp") { _, _ in Self.notAllowed() }
        router.delete("/mcp") { _, _ in Self.notAllowed() }
    }

    private func post(_ request: Request) async -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch {
            let failure = JSONRPCError(-32600, "Invalid Request: the body exceeds the \(bodyLimit)-byte limit", data: ["code": "payload_too_large"], httpStatus: .contentTooLarge)
            return respond(MCPAnswer(status: failure.httpStatus, body: JSONRPCResponse.error(id: .null, failure)))
        }
        let authority = request.head.authority ?? ""
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        let path = request.head.path ?? "/mcp"
        let answer = await handler.handle(
            method: request.method.rawValue, targetURI: "\(scheme)://\(authority)\(path)", authority: authority, path: path,
            headers: request.headers, body: Array(body.readableBytesView))
        return respond(answer)
    }

    private func respond(_ answer: MCPAnswer) -> Response {
        var headers = signer.headers(status: answer.status, body: answer.body)
        if !answer.body.isEmpty { headers[.contentType] = "application/json" }
        if let seconds = answer.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        return Response(status: answer.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    private static func notAllowed() -> Response {
        Response(status: .methodNotAllowed, headers: [.allow: "POST"], body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"stateless server: POST JSON-RPC requests to /mcp\"}")))
    }
}
