import Foundation
import RedisClient
import RedisTestSupport
import Testing

/// A subscriber client (`RedisConfiguration.onPush`) on a real server: sharded pub/sub
/// messages reach the handler, the answers to its own `SSUBSCRIBE` and `PING` stay
/// replies, and a connection that drops says so once.
@Suite("Sharded pub/sub pushes")
struct RedisPushTests {
    @Test func aSubscriberHearsMessagesAndItsOwnRepliesStayReplies() async throws {
        try await withRedis { server in
            let heard = AsyncStream<RedisPush>.makeStream(finishingAfter: .seconds(30))
            var configuration = try server.client().configuration
            configuration.onPush = { heard.continuation.yield($0) }
            let subscriber = RedisClient(configuration: configuration)
            defer { subscriber.close() }
            let channel = RedisTestServer.uniquePrefix("bell")
            let confirmations = try await subscriber.pipeline([RedisCommand("SSUBSCRIBE", [channel]), RedisCommand("SSUBSCRIBE", [channel + "-2"])])
            #expect(confirmations.map { $0.array?.first?.string } == ["ssubscribe", "ssubscribe"])
            #expect(try await subscriber.send("PING").array?.first?.string == "pong", "a subscribed connection answers PING in an array")
            let publisher = try server.client()
            #expect(try await publisher.send("SPUBLISH", channel, "payload").int64 == 1)
            #expect(try await publisher.send("SPUBLISH", channel + "-2", "").int64 == 1)
            var pushes = heard.stream.makeAsyncIterator()
            #expect(await pushes.next() == .message(channel: channel))
            #expect(await pushes.next() == .message(channel: channel + "-2"))
            // The server closes the connection: the handler hears it, and the next command reconnects unsubscribed.
            let id = try #require(try await publisher.send("CLIENT", "LIST").string?.split(separator: "\n")
                .first { $0.contains("ssub=2") }?.split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3))
            try await publisher.send("CLIENT", "KILL", "ID", String(id))
            #expect(await pushes.next() == .disconnected)
            #expect(await eventually(timeout: .seconds(10)) { (try? await subscriber.send("PING"))?.string == "PONG" })
            #expect(try await publisher.send("SPUBLISH", channel, "").int64 == 0, "a new connection holds no subscription")
        }
    }

    @Test func onlyMessagesAndUnsubscriptionsArePushes() {
        #expect(RedisPush.decode(.array([.bulk(Array("smessage".utf8)), .bulk(Array("c".utf8)), .bulk([])])) == .message(channel: "c"))
        #expect(RedisPush.decode(.array([.bulk(Array("sunsubscribe".utf8)), .bulk(Array("c".utf8)), .integer(0)])) == .unsubscribed(channel: "c"))
        #expect(RedisPush.decode(.array([.bulk(Array("ssubscribe".utf8)), .bulk(Array("c".utf8)), .integer(1)])) == nil)
        #expect(RedisPush.decode(.array([.bulk(Array("pong".utf8)), .bulk([])])) == nil)
        #expect(RedisPush.decode(.array([.bulk(Array("smessage".utf8)), .bulk(Array("c".utf8))])) == nil, "a malformed push is an ordinary reply")
        #expect(RedisPush.decode(.array([.integer(1), .bulk(Array("c".utf8)), .bulk([])])) == nil)
        #expect(RedisPush.decode(.bulk(Array("smessage".utf8))) == nil)
    }
}
