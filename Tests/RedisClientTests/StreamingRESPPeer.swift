import NIOCore
import NIOPosix

/// A fake Redis for what a real one never does: it answers the first command it reads with
/// `header` (a declared bulk length, say), then sends `chunk` bytes of `x` every `interval`
/// (each at once after the last when `interval` is nil), until `payload` bytes and `\r\n` or,
/// with `payload` nil, until the client closes; `sent` counts what its socket took.
final class StreamingRESPPeer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let header: String
    private let chunk: Int
    private let interval: TimeAmount?
    private let payload: Int?
    private let sent: ByteCount
    private var started = false

    init(header: String, chunk: Int, interval: TimeAmount?, payload: Int?, sent: ByteCount) {
        self.header = header
        self.chunk = max(1, chunk)
        self.interval = interval
        self.payload = payload
        self.sent = sent
    }

    /// Starts a listener on 127.0.0.1 whose every connection is answered by a peer `make` returns.
    static func listen(_ make: @escaping @Sendable () -> StreamingRESPPeer) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(make()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !started else { return }
        started = true
        let channel = context.channel
        channel.writeAndFlush(ByteBuffer(string: header), promise: nil)
        sendNext(on: channel, remaining: payload ?? Int.max)
    }

    /// Writes the next chunk, then schedules the one after it (a bounded number of writes: the
    /// payload, or as many as the socket takes before the client closes it).
    private func sendNext(on channel: any Channel, remaining: Int) {
        guard channel.isActive else { return }
        guard remaining > 0 else {
            channel.writeAndFlush(ByteBuffer(string: "\r\n"), promise: nil)
            return
        }
        let size = min(chunk, remaining)
        let sent = self.sent
        let interval = self.interval
        let peer = NIOLoopBound(self, eventLoop: channel.eventLoop)
        channel.writeAndFlush(ByteBuffer(repeating: UInt8(ascii: "x"), count: size)).whenSuccess {
            sent.add(size)
            if let interval {
                channel.eventLoop.scheduleTask(in: interval) { peer.value.sendNext(on: channel, remaining: remaining - size) }
            } else {
                channel.eventLoop.execute { peer.value.sendNext(on: channel, remaining: remaining - size) }
            }
        }
    }
}
