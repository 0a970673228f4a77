import NIOCore
import NIOHTTP1

/// Says `Connection: close` on every request head that does not ask to stay open,
/// as the request's HTTP version defines it, before the head is converted to the
/// version-less request Hummingbird sees; drops `Expect` from HTTP/1.0 heads (no 1xx for them).
///
/// Hummingbird ends a connection after the response only for a request that
/// carries exactly `Connection: close` (``ConnectionGuard`` then closes it). An HTTP/1.0 request without
/// `Connection: keep-alive` (ApacheBench's `ab`, `curl -0`, many health probes)
/// expects the server to close, so it waited for the head timeout (30 s) for an
/// end its answer never got; `Connection: Close` on HTTP/1.1 was kept open the same
/// way. This handler reads the version's rules (``keepsOpen(_:)``) and writes its
/// verdict in the one form Hummingbird compares.
final class KeepAliveByVersion: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// For each request read and not yet answered, oldest first: whether it is HTTP/1.0 kept open,
    /// whose answer must say `Connection: keep-alive` (ApacheBench's `-k` otherwise waits for a close).
    private var keptOpenHTTP10: [Bool] = []
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        let keepsOpen = Self.keepsOpen(head)
        if keptOpenHTTP10.count < 1_024 { keptOpenHTTP10.append(keepsOpen && head.version.minor == 0) }
        // An HTTP/1.0 client gets no 1xx answer (RFC 9110 §15.2): its `Expect` is ignored, as §10.1.1 says,
        // so ``ConnectionGuard`` never answers it `100 Continue`.
        let ignoresExpect = head.version.major == 1 && head.version.minor == 0 && head.headers.contains(name: "expect")
        // Compared raw: `close,` or `, close` read as `close` are not what Hummingbird compares.
        let marksClose = !keepsOpen && head.headers["connection"] != ["close"]
        guard ignoresExpect || marksClose else {
            context.fireChannelRead(data)
            return
        }
        if ignoresExpect { head.headers.remove(name: "expect") }
        if marksClose { head.headers.replaceOrAdd(name: "connection", value: "close") }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var response) = unwrapOutboundIn(data), response.status.code >= 200 else {
            context.write(data, promise: promise)
            return
        }
        let http10KeptOpen = keptOpenHTTP10.first ?? false
        if !keptOpenHTTP10.isEmpty { keptOpenHTTP10.removeFirst() }
        guard http10KeptOpen, !response.headers.contains(name: "connection") else {
            context.write(data, promise: promise)
            return
        }
        response.headers.add(name: "connection", value: "keep-alive")
        context.write(wrapOutboundOut(.head(response)), promise: promise)
    }

    /// Whether the connection stays open after this request (RFC 9112 §9.3): never when any
    /// `Connection` option is `close` (a server must then close, whatever else the list says;
    /// NIO's `isKeepAlive` follows the parser, which keeps an HTTP/1.0 request that says both
    /// open); otherwise from HTTP/1.1 on, and for HTTP/1.0 only with `keep-alive`.
    static func keepsOpen(_ head: HTTPRequestHead) -> Bool {
        let options = head.headers[canonicalForm: "connection"]
        if options.contains(where: { $0.lowercased() == "close" }) { return false }
        if head.version.major == 1 && head.version.minor >= 1 { return true }
        return options.contains { $0.lowercased() == "keep-alive" }
    }

    /// Puts a handler right after NIO's HTTP/1 request decoder (before the conversion to
    /// HTTP types) in the pipeline of `context`; `false` when that pipeline has none.
    static func insert(into context: ChannelHandlerContext) -> Bool {
        let operations = context.pipeline.syncOperations
        guard let decoder = try? operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) else { return false }
        return (try? operations.addHandler(KeepAliveByVersion(), position: .after(decoder))) != nil
    }
}
