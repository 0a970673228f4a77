import NIOCore
import RedisClient
import Testing

/// Servers that no real Redis is, but a broken or hostile one may be: one that declares a huge
/// reply and streams it fast, one that trickles a reply a byte at a time. Memory and time stay
/// bounded: the first is refused at its header, the second times out after about a command timeout.
@Suite("A hostile or broken Redis")
struct RedisHostileServerTests {
    @Test func aHugeDeclaredBulkIsRefusedAtItsHeader() async throws {
        let sent = ByteCount()
        let peer = try await StreamingRESPPeer.listen {
            StreamingRESPPeer(header: "$2000000000\r\n", chunk: 1 << 20, interval: nil, payload: nil, sent: sent)
        }
        let port = try #require(peer.localAddress?.port)
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(port)")  // the default limit, 512 MiB
        let redis = RedisClient(configuration: configuration)
        let started = ContinuousClock.now
        do throws(RedisError) {
            _ = try await redis.send("PING")
            Issue.record("a 2 GB bulk string was read")
        } catch {
            #expect(error.code == .replyTooLarge, "\(error)")
        }
        // Only what the sockets' buffers took was sent before the client closed: megabytes, not the
        // 512 MiB the client read before it refused the reply when only its wire bytes counted.
        let sentWhenRefused = sent.value
        #expect(sentWhenRefused < 64 << 20, "\(sentWhenRefused) bytes sent before the refusal")
        #expect(ContinuousClock.now - started < .seconds(10))
        redis.close()
        try await peer.close()
    }

    @Test func aReplyThatTricklesTimesOutAfterAboutACommandTimeout() async throws {
        let peer = try await StreamingRESPPeer.listen {
            StreamingRESPPeer(header: "$1000000\r\n", chunk: 1, interval: .milliseconds(20), payload: nil, sent: ByteCount())
        }
        let port = try #require(peer.localAddress?.port)
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(port)")
        configuration.commandTimeout = .seconds(1)  // the reply time limit stays its default
        let redis = RedisClient(configuration: configuration)
        let started = ContinuousClock.now
        await #expect {
            try await redis.send("INFO", "memory")
        } throws: { error in
            (error as? RedisError)?.code == .timeout
        }
        let took = ContinuousClock.now - started
        // 50 bytes a second is no progress: the command timeout ends it, not the reply time limit.
        #expect(took >= .seconds(1) && took < .seconds(4), "\(took)")
        redis.close()
        try await peer.close()
    }

    @Test func aReplySlowerThanACommandTimeoutButSteadyArrives() async throws {
        // 2 MiB in 64 KiB pieces every 40 ms: about 1.3 s for the whole, 1.6 MiB/s, far above the
        // minimum rate (128 KiB/s), so each piece is progress although the whole takes 2.5 timeouts.
        let payload = 2 << 20
        let peer = try await StreamingRESPPeer.listen {
            StreamingRESPPeer(header: "$\(payload)\r\n", chunk: 64 << 10, interval: .milliseconds(40), payload: payload, sent: ByteCount())
        }
        let port = try #require(peer.localAddress?.port)
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(port)")
        configuration.commandTimeout = .milliseconds(500)
        let redis = RedisClient(configuration: configuration)
        let reply = try await redis.send("GET", "big")
        #expect(reply.bytes?.count == payload)
        redis.close()
        try await peer.close()
    }
}
