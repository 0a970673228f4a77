import RedisClient

extension RedisClient {
    /// The reply to one command, an error reply included (returned, not thrown), so a test can look at `NOPERM`.
    func reply(_ name: String, _ arguments: String...) async throws -> RedisValue {
        try await pipeline([RedisCommand(name, arguments)])[0]
    }
}
