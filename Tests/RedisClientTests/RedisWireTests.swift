import Foundation
import NIOCore
import NIOPosix
import RedisClient
import RedisTestSupport
import Synchronization
import Testing

/// The connection's own wire handling: replies split over reads, batches held
/// back by the pipeline depth, a peer that does not speak RESP, an interrupted
/// blocking read.
@Suite("Redis wire handling on the event loop")
struct RedisWireTests {
    @Test func aReplyLargerThanManyReadsArrivesWhole() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let key = RedisTestServer.uniquePrefix()
            let value = String(repeating: "0123456789abcdef", count: 5 << 16)  // 5 MiB
            try await redis.set(key, value)
            let replies = try await redis.pipeline([RedisCommand("GET", [key]), RedisCommand("STRLEN", [key]), RedisCommand("GET", [key])])
            #expect(replies.count == 3)
            #expect(replies.first?.string == value)
            #expect(replies.dropFirst().first == .integer(Int64(value.utf8.count)))
            #expect(replies.last?.string == value)
        }
    }

    @Test func batchesBeyondThePipelineDepthWaitTheirTurnInOrder() async throws {
        try await withRedis { server in
            var configuration = try RedisConfiguration(url: server.url)
            configuration.maxPipelineDepth = 4
            let redis = RedisClient(configuration: configuration)
            let observer = try server.client()
            #expect(try await redis.send("PING") == .status("PONG"))  // connected before counting
            let before = try await RedisClientPipelineTests.connectedClients(observer)
            let prefix = RedisTestServer.uniquePrefix()
            let results = try await withThrowingTaskGroup(of: (Int, [RedisValue]).self) { group in
                for n in 0..<200 {
                    group.addTask {
                        // One batch of 1, 3 or 9 commands: some fit beside others, the 9 go alone.
                        let size = [1, 3, 9][n % 3]
                        let commands = (0..<size).map { _ in RedisCommand("INCR", ["\(prefix):\(n)"]) }
                        return (n, try await redis.pipeline(commands))
                    }
                }
                var collected = [Int: [RedisValue]]()
                for try await (n, replies) in group { collected[n] = replies }
                return collected
            }
            #expect(results.count == 200)
            for n in 0..<200 {
                let size = [1, 3, 9][n % 3]
                #expect(results[n] == (1...size).map { RedisValue.integer(Int64($0)) })
            }
            #expect(try await RedisClientPipelineTests.connectedClients(observer) == before)
        }
    }

    @Test func aPeerThatDoesNotSpeakRESPIsAProtocolErrorEveryTime() async throws {
        let connections = Atomic<Int>(0)
        let garbage = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                connections.add(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(NotRESP()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(garbage.localAddress?.port)
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(port)")
        configuration.reconnectInitialBackoff = .milliseconds(1)
        configuration.reconnectMaxBackoff = .milliseconds(1)
        let redis = RedisClient(configuration: configuration)
        for _ in 0..<2 {
            await #expect {
                try await redis.send("PING")
            } throws: { error in
                (error as? RedisError)?.code == .protocol
            }
        }
        // The connection was dropped after the first: the second call came on a new one.
        #expect(connections.load(ordering: .relaxed) == 2)
        redis.close()
        try await garbage.close()
    }

    /// A peer whose reply never ends is given up on at the reply time limit (10 command timeouts by
    /// default) even before its command timeout, whatever the bytes it sends now and then.
    @Test func aReplyThatTricklesForEverTimesOut() async throws {
        let peer = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(TrickleRESP()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(peer.localAddress?.port)
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(port)")
        // 5 s between bytes never passes on a machine however loaded (the peer sends one every 20 ms), so only the cap ends it.
        configuration.commandTimeout = .seconds(5)
        configuration.replyTimeLimit = .seconds(3)
        let redis = RedisClient(configuration: configuration)
        let started = ContinuousClock.now
        await #expect {
            try await redis.send("INFO", "memory")
        } throws: { error in
            (error as? RedisError)?.code == .timeout && (error as? RedisError)?.message.contains("bytes kept coming") == true
        }
        let took = ContinuousClock.now - started
        #expect(took >= .seconds(3) && took < .seconds(30), "\(took)")
        redis.close()
        try await peer.close()
    }

    @Test func anInterruptedBlockingReadEndsAndTheClientGoesOn() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let observer = try server.client()
            let key = RedisTestServer.uniquePrefix()
            _ = try await redis.xgroupCreate(key, group: "g")
            let read = Task {
                try await redis.xreadgroup(group: "g", consumer: "c", streams: [(key, ">")], count: 1, block: .seconds(60))
            }
            // Wait until Redis holds the read, then end it.
            #expect(await eventually { ((try? await observer.send("CLIENT", "LIST"))?.string ?? "").contains("cmd=xreadgroup") })
            redis.interruptBlocking()
            await #expect {
                try await read.value
            } throws: { error in
                (error as? RedisError)?.code == .connection
            }
            #expect(try await redis.send("PING") == .status("PONG"))
            // Redis dropped the read with its connection: nothing was delivered to it.
            _ = try await observer.xadd(key, fields: [StreamField(name: "n", value: "1")])
            let delivered = try await redis.xreadgroup(group: "g", consumer: "c", streams: [(key, ">")], count: 10)
            #expect(delivered.first?.entries.count == 1)
        }
    }
}

/// Answers every read with bytes that are not RESP.
private final class NotRESP: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "!this is not RESP\r\n")), promise: nil)
    }
}

/// Starts a 100 MB bulk reply to the first read, then sends one byte of it every 20 ms, for ever.
private final class TrickleRESP: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var started = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !started else { return }
        started = true
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "$100000000\r\n")), promise: nil)
        let channel = context.channel
        channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { task in
            guard channel.isActive else { return task.cancel() }
            channel.writeAndFlush(ByteBuffer(string: "x"), promise: nil)
        }
    }
}
