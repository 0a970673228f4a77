import RedisClient

/// Runs `body` with a fresh throwaway Redis server, stopped afterwards
/// (or with `MCP_TEST_REDIS_URL` when set).
public func withRedis<T>(extraArguments: [String] = [], _ body: (RedisTestServer) async throws -> T) async throws -> T {
    let server = try await RedisTestServer.start(extraArguments: extraArguments)
    return try await withCleanup { try await body(server) } cleanup: { await server.stop() }
}

/// Polls `condition` every 10 ms until it is true or `timeout` passes; returns whether it became true.
/// The default of 30 s is for a loaded machine: a condition that holds returns at once, so only a
/// failing test pays for the margin.
public func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

/// Runs `body`, then `cleanup` whether it returned or threw (an async `defer`).
public func withCleanup<T>(_ body: () async throws -> T, cleanup: () async -> Void) async throws -> T {
    do {
        let result = try await body()
        await cleanup()
        return result
    } catch {
        await cleanup()
        throw error
    }
}
