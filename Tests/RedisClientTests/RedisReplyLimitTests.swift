import RedisClient
import RedisTestSupport
import Testing

/// `RedisConfiguration.replyByteLimit`: a reply that grows past it ends its connection with
/// `reply_too_large` instead of growing the process's memory; the client goes on working.
@Suite("A reply larger than the client's limit")
struct RedisReplyLimitTests {
    @Test func endsItsConnectionAndTheNextCommandWorks() async throws {
        try await withRedis { server in
            let admin = try server.client()
            let key = RedisTestServer.uniquePrefix("big") + "value"
            let big = String(repeating: "x", count: 3 << 20)
            _ = try await admin.send("SET", key, big)
            var configuration = try server.client().configuration
            configuration.replyByteLimit = 1 << 20
            let limited = RedisClient(configuration: configuration)
            defer { limited.close() }
            do throws(RedisError) {
                _ = try await limited.send("GET", key)
                Issue.record("a 3 MiB reply came through a 1 MiB limit")
            } catch {
                #expect(error.code == .replyTooLarge, "\(error)")
                #expect(error.message.contains("1048576 bytes"), "\(error)")
            }
            // Replies under the limit, before and after on the same client, and many in one pipeline.
            #expect(try await limited.send("PING").string == "PONG")
            #expect(try await limited.send("STRLEN", key).int64 == 3 << 20)
            let many = try await limited.pipeline((0..<200).map { _ in RedisCommand("GETRANGE", [key, "0", "65535"]) })
            #expect(many.allSatisfy { $0.string?.utf8.count == 65_536 }, "200 replies of 64 KiB: 12.5 MiB together, each under the limit")
            // An array counts as one reply: its elements together.
            let list = RedisTestServer.uniquePrefix("list") + "entries"
            for _ in 0..<24 { _ = try await admin.send("RPUSH", list, String(repeating: "y", count: 64 << 10)) }
            do throws(RedisError) {
                _ = try await limited.send("LRANGE", list, "0", "-1")
                Issue.record("a 1.5 MiB array came through a 1 MiB limit")
            } catch {
                #expect(error.code == .replyTooLarge, "\(error)")
            }
            #expect(try await limited.send("LLEN", list).int64 == 24)
            // What a reply takes once parsed counts too: 20 000 empty strings are 120 KB on the wire,
            // but 160 bytes each (3.2 MB) parsed; 5 000 of them (800 KB) fit.
            let empties = RedisTestServer.uniquePrefix("empties") + "list"
            for _ in 0..<20 { _ = try await admin.send(RedisCommand("RPUSH", [empties] + Array(repeating: "", count: 1_000))) }
            do throws(RedisError) {
                _ = try await limited.send("LRANGE", empties, "0", "-1")
                Issue.record("20 000 parsed elements came through a 1 MiB limit")
            } catch {
                #expect(error.code == .replyTooLarge && error.message.contains("once parsed"), "\(error)")
            }
            #expect(try await limited.send("LRANGE", empties, "0", "4999").array?.count == 5_000)
            // The default limit (512 MiB) reads it.
            #expect(try await admin.send("GET", key).string?.utf8.count == 3 << 20)
        }
    }
}
