import NIOCore
import NIOHTTP1

/// Says `Connection: close` on every request head that does not ask to stay open,
/// as the request's HTTP version defines it, before the head is converted to the
/// version-less request Hummingbird sees.
///
/// Hummingbird ends a connection after the response only for a request that
/// carries exactly `Connection: close` (``ConnectionGuard`` then closes it). An HTTP/1.0 request without
/// `Connection: keep-alive` (ApacheBench's `ab`, `curl -0`, many health probes)
/// expects the server to close, so it waited for the head timeout (30 s) for an
/// end its answer never got; `Connection: Close` on HTTP/1.1 was kept open the same
/// way. This handler reads the version's rules (``keepsOpen(_:)``) and writes its
/// verdict in the one form Hummingbird compares.
final class KeepAliveByVersion: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Compared raw: `close,` or `, close` read as `close` are not what Hummingbird compares.
        guard case .head(var head) = unwrapInboundIn(data), !Self.keepsOpen(head), head.headers["connection"] != ["close"] else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
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
