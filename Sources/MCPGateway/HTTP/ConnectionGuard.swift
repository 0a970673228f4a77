import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Per-connection deadlines and the aftermath of early answers, in the HTTP
/// pipeline between the decoder and Hummingbird:
///
/// * **Head**: a connection waiting for a request (just opened, or idle
///   after a response) must deliver a complete request head within
///   `headTimeout`, or it is closed. This bounds half-sent heads (slowloris)
///   and idle keep-alive connections alike.
/// * **Body**: once a head has arrived, the whole body must arrive within
///   `bodyTimeout`, however slowly it trickles; otherwise the connection is closed.
/// * **Early answers**: a response written before its request body was read to
///   the end (413 for an oversized body, or any route that ignores a body)
///   carries `Connection: close`. The rest of the body is then read and
///   discarded, up to `drainLimit` bytes and within the body deadline, so a
///   client that only reads once it has sent everything (Python's `urllib`)
///   still gets the answer; the connection closes when the body ends or either
///   bound is reached. A body whose declared `Content-Length` leaves more than
///   `drainLimit` bytes unread is not waited for: the connection closes as soon
///   as the answer is written.
///
/// * **Asked to close**: a request that does not keep the connection open
///   (HTTP/1.0 without keep-alive, `Connection: close`) has the connection
///   closed once its answer is written, and its answer says so.
///
/// * **`Expect: 100-continue`**: a request head that asks for it and declares a body
///   length the routes take (at most `continueLimit`, the body limit) is answered
///   `100 Continue` at once, so the client sends its body without waiting (curl
///   waits 1 s for it). A longer declared body gets no 100: the route answers 413
///   at once. When earlier requests on the connection are still being answered,
///   the 100 follows their last answer, so answers never cross. RFC 9110 §10.1.1.
///
/// * **Broken framing**: once the HTTP/1.1 decoder has failed (a chunk size
///   that is not hexadecimal, chunk data without its CRLF), nothing more can be
///   read from the connection: it closes as soon as the answer (400) is written.
///
/// Handlers' own waits are bounded, so no timer runs while a request is being answered.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let drainLimit: Int
    /// The longest declared body a `100 Continue` is sent for (the routes' body limit).
    private let continueLimit: Int

    /// Request heads read, request ends read, response ends written.
    private var headsRead = 0
    private var endsRead = 0
    private var responsesEnded = 0
    /// An answer went out before its body was read: discard the rest, then close.
    private var draining = false
    /// The number of the first request that said `Connection: close` (``KeepAliveByVersion`` writes
    /// it for every request that does not keep the connection open): the connection closes once that
    /// request's answer is written, whatever a client pipelined after it.
    private var lastRequest: Int?
    /// That early answer has been written to the socket in full.
    private var earlyAnswerWritten = false
    private var drained = 0
    /// The current request's declared `Content-Length` (`nil`: none, or chunked) and the body bytes read of it.
    private var declaredLength: Int?
    private var bodyRead = 0
    /// The current request asked for `100 Continue` while an earlier answer was still to be written.
    private var continueWanted = false
    /// The decoder failed: the connection closes once the answers to every request read are out.
    private var inputBroken = false
    private var headTimer: Scheduled<Void>?
    private var bodyTimer: Scheduled<Void>?

    init(headTimeout: Duration, bodyTimeout: Duration, drainLimit: Int, continueLimit: Int) {
        self.headTimeout = TimeAmount(headTimeout)
        self.bodyTimeout = TimeAmount(bodyTimeout)
        self.drainLimit = drainLimit
        self.continueLimit = continueLimit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Hummingbird's configuration adds handlers only after the conversion to HTTP types, which drops
        // the version: the one that reads it goes in front of that conversion from here (HTTPLimitsTests
        // fails if a Hummingbird without NIO's HTTP/1 request decoder leaves no place for it).
        _ = KeepAliveByVersion.insert(into: context)
        if context.channel.isActive { armHeadTimer(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armHeadTimer(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            headsRead &+= 1
            declaredLength = DeclaredLength.of(request.headerFields[.contentLength])
            if lastRequest == nil && request.headerFields[.connection] == "close" { lastRequest = headsRead }
            bodyRead = 0
            headTimer?.cancel()
            headTimer = nil
            bodyTimer?.cancel()
            bodyTimer = schedule(context, in: bodyTimeout)
            continueWanted = false
            if !draining, Self.expectsContinue(request), let length = declaredLength ?? (Self.isChunked(request) ? 1 : nil),
               (1...continueLimit).contains(length) {
                if responsesEnded == headsRead &- 1 { sendContinue(context) } else { continueWanted = true }
            }
        case .body(let buffer):
            if draining {
                // The answer is out: nobody reads this body any more. Keep the
                // socket reading (the application no longer asks) up to the limit.
                let total = drained.addingReportingOverflow(buffer.readableBytes)
                drained = total.overflow ? Int.max : total.partialValue
                if drained > drainLimit { context.close(promise: nil) } else { context.read() }
                return
            }
            let total = bodyRead.addingReportingOverflow(buffer.readableBytes)
            bodyRead = total.overflow ? Int.max : total.partialValue
        case .end:
            endsRead &+= 1
            bodyTimer?.cancel()
            bodyTimer = nil
            if draining {
                if earlyAnswerWritten { context.close(promise: nil) }
                return
            }
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The decoder's error (or the socket's): nothing more will be read. The application answers
        // the request it was reading (400); an answer already out has nothing left to wait for.
        inputBroken = true
        if draining && earlyAnswerWritten { context.close(promise: nil) }
        context.fireErrorCaught(error)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // While draining, read on our own: the application stopped asking for
        // data (its inbound buffer may be full with parts it will never read).
        if draining { context.read() }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where endsRead <= responsesEnded && response.status.kind != .informational:
            // The request this answers is still being read: this is the connection's last exchange.
            response.headerFields[.connection] = "close"
            draining = true
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .head(var response) where lastRequest == responsesEnded &+ 1 && response.status.kind != .informational:
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end:
            responsesEnded &+= 1
            // Only once every request read is answered: the error may be in a head pipelined after them.
            if inputBroken && responsesEnded >= headsRead {
                let written = promise ?? context.eventLoop.makePromise(of: Void.self)
                context.write(data, promise: written)
                written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                return
            }
            guard draining else {
                guard lastRequest == responsesEnded else {
                    context.write(data, promise: promise)
                    if headsRead == responsesEnded { armHeadTimer(context) }
                    if continueWanted && headsRead == responsesEnded &+ 1 {
                        continueWanted = false
                        sendContinue(context)  // the answers before it are out: now the waiting request's turn
                    }
                    return
                }
                // The client asked for the connection to end with this answer (HTTP/1.0 without
                // keep-alive, or `Connection: close`): it may wait for the end to read the answer.
                let written = promise ?? context.eventLoop.makePromise(of: Void.self)
                context.write(data, promise: written)
                written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                return
            }
            let written = promise ?? context.eventLoop.makePromise(of: Void.self)
            context.write(data, promise: written)
            context.read()  // start draining the body nobody will read
            // More left to come than the drain would take: waiting for it only holds the socket.
            let unread = declaredLength.map { $0.subtractingReportingOverflow(bodyRead).partialValue } ?? 0
            let undrainable = unread > drainLimit
            written.futureResult.assumeIsolated().whenComplete { _ in
                self.earlyAnswerWritten = true
                // The body ended meanwhile, or will not be drained.
                if self.endsRead >= self.headsRead || undrainable { context.close(promise: nil) }
            }
        default:
            context.write(data, promise: promise)
        }
    }

    /// Whether the head says `Expect: 100-continue` (compared without case, RFC 9110 §10.1.1).
    static func expectsContinue(_ request: HTTPRequest) -> Bool {
        request.headerFields[values: .expect].contains { line in
            line.split(separator: ",").contains { $0.filter { $0 != " " && $0 != "\t" }.lowercased() == "100-continue" }
        }
    }

    /// Whether the body comes in chunks (its length unknown until it ends).
    static func isChunked(_ request: HTTPRequest) -> Bool {
        request.headerFields[values: .transferEncoding].contains { $0.lowercased().contains("chunked") }
    }

    private func sendContinue(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
    }

    private func armHeadTimer(_ context: ChannelHandlerContext) {
        headTimer?.cancel()
        headTimer = schedule(context, in: headTimeout)
    }

    private func schedule(_ context: ChannelHandlerContext, in delay: TimeAmount) -> Scheduled<Void> {
        context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            context.close(promise: nil)
        }
    }

    private func cancelTimers() {
        headTimer?.cancel()
        bodyTimer?.cancel()
        headTimer = nil
        bodyTimer = nil
    }
}
