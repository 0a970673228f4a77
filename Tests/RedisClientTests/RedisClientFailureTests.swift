import Foundation
import RedisClient
import RedisTestSupport
import Testing

@Suite("Failures, outages and recovery")
struct RedisClientFailureTests {
    @Test func nothingListeningIsAFastConnectionError() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-redis-\(UUID().uuidString).sock").path
        // Timeouts of 10 s: a call that waited on them (a hang) would take at least that long.
        var configuration = try RedisConfiguration(url: "unix://\(path)")
        // Timeouts far above the bound below: a slow answer on a loaded machine still passes, a wait for a timeout does not.
        configuration.connectTimeout = .seconds(120)
        configuration.commandTimeout = .seconds(120)
        let redis = RedisClient(configuration: configuration)
        let clock = ContinuousClock()
        for _ in 0..<3 {  // the first attempt and the ones during backoff all fail at once
            let started = clock.now
            await #expect {
                try await redis.send("PING")
            } throws: { error in
                (error as? RedisError)?.code == .connection
            }
            #expect(clock.now - started < .seconds(60))
        }
    }

    @Test func recoversAfterServerRestart() async throws {
        let server = try await RedisTestServer.start(useExternal: false)
        let redis = try server.client()
        let key = RedisTestServer.uniquePrefix()
        try await redis.set(key, "before")
        try await server.restart()  // no persistence: the data is gone, the connection is dead
        // The first call after the restart may fail with a clear connection error; then the client reconnects.
        do {
            _ = try await redis.send("PING")
        } catch {
            #expect(error.code == .connection)
        }
        let recovered = await eventually(timeout: .seconds(30)) {
            (try? await redis.send("PING")) == .status("PONG")
        }
        #expect(recovered)
        #expect(try await redis.get(key) == nil)
        try await redis.set(key, "after")
        #expect(try await redis.get(key) == "after")
    }

    @Test func callsDuringAnOutageFailFastThenRecover() async throws {
        let server = try await RedisTestServer.start(useExternal: false)
        let redis = try server.client(commandTimeout: .seconds(120))  // a call that hung would take 120 s
        #expect(try await redis.send("PING") == .status("PONG"))
        await server.crash()
        let clock = ContinuousClock()
        for _ in 0..<5 {
            let started = clock.now
            await #expect(throws: RedisError.self) { try await redis.send("PING") }
            #expect(clock.now - started < .seconds(60))
        }
        try await server.restart()
        #expect(await eventually { (try? await redis.send("PING")) == .status("PONG") })
    }

    @Test func wrongPasswordIsAnAuthenticationError() async throws {
        let server = try await RedisTestServer.start(extraArguments: ["--requirepass", "right-password"], useExternal: false)
        let wrong = try RedisClient(url: server.url + "?password=wrong-password")
        await #expect {
            try await wrong.send("PING")
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .authentication && error.message.contains("WRONGPASS") && !error.message.contains("wrong-password")
        }
        let none = try RedisClient(url: server.url)
        await #expect {
            try await none.send("PING")
        } throws: { error in
            (error as? RedisError)?.serverErrorPrefix == "NOAUTH"
        }
        let right = try RedisClient(url: server.url + "?password=right-password")
        #expect(try await right.send("PING") == .status("PONG"))
    }

    @Test func aclUserLogsInWithUserAndPassword() async throws {
        let server = try await RedisTestServer.start(useExternal: false)
        let admin = try server.client()
        try await admin.send("ACL", "SETUSER", "reader", "on", ">reader-pw", "~*", "+get", "+ping")
        let reader = try RedisClient(url: server.url + "?user=reader&password=reader-pw")
        #expect(try await reader.send("PING") == .status("PONG"))
        await #expect {
            try await reader.send("SET", "k", "v")
        } throws: { error in
            (error as? RedisError)?.serverErrorPrefix == "NOPERM"
        }
    }

    @Test func slowReplyIsATimeoutAndTheClientRecovers() async throws {
        try await withRedis { server in
            let redis = try server.client(commandTimeout: .milliseconds(200))
            let key = RedisTestServer.uniquePrefix()
            // BLPOP without telling the client it blocks: the reply takes 1 s, longer than the 200 ms timeout.
            await #expect {
                try await redis.send(RedisCommand("BLPOP", [key, "1"]))
            } throws: { error in
                (error as? RedisError)?.code == .timeout
            }
            #expect(await eventually { (try? await redis.send("PING")) == .status("PONG") })
        }
    }

    @Test func closedClientRefusesCalls() async throws {
        try await withRedis { server in
            let redis = try server.client()
            #expect(try await redis.send("PING") == .status("PONG"))
            redis.close()
            await #expect {
                try await redis.send("PING")
            } throws: { error in
                (error as? RedisError)?.code == .closed
            }
        }
    }
}
