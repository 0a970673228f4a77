import RedisClient
import RedisTestSupport
import Testing

@Suite("Pipelining and sharing one connection")
struct RedisClientPipelineTests {
    @Test func tenThousandCommandsInOnePipeline() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let key = RedisTestServer.uniquePrefix() + ":counter"
            let commands = (0..<10_000).map { _ in RedisCommand("INCR", [key]) }
            let replies = try await redis.pipeline(commands)
            #expect(replies.count == 10_000)
            #expect(replies.first == .integer(1))
            #expect(replies.last == .integer(10_000))
            #expect(replies.enumerated().allSatisfy { $0.element == .integer(Int64($0.offset + 1)) })
        }
    }

    @Test func hundredConcurrentTasksShareOneClient() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let prefix = RedisTestServer.uniquePrefix()
            let before = try await Self.connectedClients(redis)
            let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for n in 0..<100 {
                    group.addTask {
                        try await redis.set("\(prefix):\(n)", "value-\(n)")
                        return (n, try await redis.get("\(prefix):\(n)"))
                    }
                }
                var collected = [Int: String?]()
                for try await (n, value) in group { collected[n] = value }
                return collected
            }
            #expect(results.count == 100)
            for n in 0..<100 { #expect(results[n] == "value-\(n)") }
            // Still one connection: concurrent callers were pipelined, not given connections of their own.
            #expect(try await Self.connectedClients(redis) == before)
        }
    }

    static func connectedClients(_ redis: RedisClient) async throws -> Int {
        let info = try await redis.send("INFO", "clients").string ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("connected_clients:") } ?? ""
        return Int(line.split(separator: ":").last ?? "") ?? -1
    }
}
