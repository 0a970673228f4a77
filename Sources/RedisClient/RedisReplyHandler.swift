import NIOCore

/// The channel handler of one Redis connection: feeds every byte read to a
/// ``RESPReplyReader`` and hands each complete reply, in order, to its
/// connection; reports a protocol error or the end of the connection once.
///
/// Runs on the connection's event loop only.
final class RedisReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let reader: RESPReplyReader
    private let onRead: (Int) -> Void
    private let onReply: (RedisValue) -> Void
    private let onEnd: (RedisError) -> Void
    private var ended = false
    private let endpointDescription: String
    private let replyByteLimit: Int
    /// Bytes read since the last complete reply: what the reply in progress has taken so far.
    private var replyBytes = 0

    /// `onRead` hears how many bytes every read brought (progress, even inside a long reply); `onReply` gets each reply;
    /// `onEnd` is called once, when the connection fails or closes, or a reply grows past `replyByteLimit`.
    init(
        endpointDescription: String, replyByteLimit: Int, onRead: @escaping (Int) -> Void, onReply: @escaping (RedisValue) -> Void,
        onEnd: @escaping (RedisError) -> Void
    ) {
        self.onRead = onRead
        self.endpointDescription = endpointDescription
        self.replyByteLimit = replyByteLimit
        self.reader = RESPReplyReader(replyByteLimit: replyByteLimit)
        self.onReply = onReply
        self.onEnd = onEnd
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ended else { return }
        let buffer = unwrapInboundIn(data)
        onRead(buffer.readableBytes)
        let (bytes, overflow) = replyBytes.addingReportingOverflow(buffer.readableBytes)
        replyBytes = overflow ? Int.max : bytes
        if let error = buffer.withUnsafeReadableBytes({ reader.feed($0) }) {
            end(error, context: context)
            return
        }
        while !ended {
            switch reader.next() {
            case .reply(let value):
                replyBytes = reader.unparsedBytes
                onReply(value)
            case .incomplete:
                if replyBytes > replyByteLimit {
                    end(RedisError(
                        code: .replyTooLarge,
                        message: "a reply from \(endpointDescription) grew past \(replyByteLimit) bytes (replyByteLimit); the connection was closed unread"),
                        context: context)
                }
                return
            case .failure(let error):
                end(RedisError(code: error.code, message: "\(error.message) (from \(endpointDescription))"), context: context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        end(RedisError(code: .connection, message: "reading a reply from \(endpointDescription) failed: the server closed the connection"), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        end(RedisError(code: .connection, message: "the connection to \(endpointDescription) failed: \(error)"), context: context)
    }

    private func end(_ error: RedisError, context: ChannelHandlerContext) {
        guard !ended else { return }
        ended = true
        onEnd(error)
        context.close(promise: nil)
    }
}
