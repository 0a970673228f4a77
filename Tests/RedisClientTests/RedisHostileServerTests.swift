import NIOCore
import RedisClient
import Testing

/// Servers that no real Redis is, but a broken or hostile one may be: one that declares a huge
/// reply and streams it fast is refused at its header, so memory stays bounded.
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
}
