import NIOCore
import NIOPosix

/// Runs load phases on one event loop thread of its own, so the generator
/// uses at most one core and its CPU time is easy to attribute.
final class LoadDriver: Sendable {
    private let group: MultiThreadedEventLoopGroup

    init() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Opens the plan's connections, then sends its requests and returns what was measured.
    func run(_ plan: LoadPlan) async throws -> LoadResult {
        let loop = group.next()
        let session = try await loop.submit { NIOLoopBound(LoadSession(plan: plan, loop: loop), eventLoop: loop) }.get()
        var channels = [any Channel]()
        do {
            for _ in 0..<plan.connections {
                let bootstrap = ClientBootstrap(group: loop)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            let connection = LoadConnection(session: session.value)
                            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPResponseFramer()))
                            try channel.pipeline.syncOperations.addHandler(connection)
                            session.value.add(connection)
                        }
                    }
                channels.append(try await bootstrap.connect(host: plan.host, port: plan.port).get())
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw BenchError("cannot connect to the gateway at \(plan.host):\(plan.port): \(error)")
        }
        let future = loop.flatSubmit {
            session.value.start()
            return session.value.promise.futureResult
        }
        return try await future.get()
    }

    /// Builds one complete `POST /v1/envelopes` request around a body.
    static func request(body: [UInt8], host: String, port: Int) -> ByteBuffer {
        let head = "POST /v1/envelopes HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        var buffer = ByteBuffer()
        buffer.reserveCapacity(head.utf8.count + body.count)
        buffer.writeString(head)
        buffer.writeBytes(body)
        return buffer
    }

    /// Stops the event loop thread.
    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}
