import NIOCore

/// One keep-alive connection of the load generator: sends a request, waits
/// for its answer, reports it to the session. Lives on the session's event loop.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPResponseFrame
    typealias OutboundOut = ByteBuffer

    private let session: LoadSession
    private var context: ChannelHandlerContext?
    /// When the request in flight was due and when it was written (monotonic ns); nil when idle.
    private(set) var dueNanos: UInt64?
    private(set) var sentNanos: UInt64 = 0

    init(session: LoadSession) {
        self.session = session
    }

    var isBusy: Bool { dueNanos != nil }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func send(_ request: ByteBuffer, due: UInt64, now: UInt64) {
        guard let context else { return }
        dueNanos = due
        sentNanos = now
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let now = NIODeadline.now().uptimeNanoseconds
        let due = dueNanos ?? now
        dueNanos = nil
        session.answered(self, frame: frame, due: due, sent: sentNanos, now: now)
    }

    func channelInactive(context: ChannelHandlerContext) {
        session.lost(self)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func close() {
        context?.close(promise: nil)
    }
}
