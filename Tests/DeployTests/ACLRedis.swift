import Foundation
import RedisClient
import RedisTestSupport

/// A throwaway `redis-server` running the shipped `deploy/redis/redis.conf`
/// settings and `deploy/redis/users.acl`, with clients logged in as its users.
struct ACLRedis: Sendable {
    /// The public demo passwords whose SHA-256 hashes `users.acl` holds.
    static let demoPasswords: [String: String] = [
        "admin": "admin-demo-password",
        "gateway": "gateway-demo-password",
        "worker": "worker-demo-password",
        "producer": "producer-demo-password",
        "producer-billing": "producer-billing-demo-password",
        "monitor": "monitor-demo-password",
        "operator": "operator-demo-password",
        "setup": "setup-demo-password",
    ]

    let server: RedisTestServer
    let socketPath: String

    /// Starts the server (never an external one: it must load our ACL file).
    static func start() async throws -> ACLRedis {
        let config = try RepositoryFiles.text("deploy/redis/redis.conf")
        let acl = RepositoryFiles.url("deploy/redis/users.acl").path
        let server = try await RedisTestServer.start(
            extraArguments: RedisConfArguments.arguments(fromConfig: config) + ["--aclfile", acl], useExternal: false)
        guard let socket = server.socketPath else { throw ACLRedisError("the test redis-server has no unix socket") }
        return ACLRedis(server: server, socketPath: socket)
    }

    /// The URL a process uses to log in as `user` (`unix:///…?user=U&password=P`).
    func url(user: String, password: String? = nil) -> String {
        let secret = password ?? Self.demoPasswords[user] ?? ""
        return "unix://\(socketPath)?user=\(user)&password=\(secret)"
    }

    /// A client logged in as `user`.
    func client(_ user: String, password: String? = nil) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: url(user: user, password: password))
        configuration.commandTimeout = .seconds(2)
        configuration.reconnectMaxBackoff = .milliseconds(200)
        return RedisClient(configuration: configuration)
    }

    /// Runs the real `mcpctl` logged in as `user`; returns (exit status, its output and errors).
    func mcpctl(_ arguments: [String], user: String, directory: URL) async throws -> (Int32, String) {
        let process = try await ChildProcess(
            executable: "mcpctl", arguments: arguments, environment: ["MCP_REDIS_URL": url(user: user)],
            logDirectory: directory, name: "mcpctl-\(user)-\(UUID().uuidString.prefix(6))")
        guard await process.waitForExit(timeout: .seconds(20)) else {
            process.kill()
            throw ACLRedisError("mcpctl \(arguments) as \(user) did not finish within 20 s:\n\(process.log)")
        }
        return (process.exitStatus, process.log)
    }

    /// Loads the broker's function library as the `setup` user (`mcpctl redis setup`), as a deployment does first.
    func setUp(directory: URL) async throws {
        let (status, output) = try await mcpctl(["redis", "setup"], user: "setup", directory: directory)
        guard status == 0 else { throw ACLRedisError("mcpctl redis setup failed (\(status)):\n\(output)") }
    }

    /// Stops the server: the default user is off, so SHUTDOWN must come from `admin`.
    func stop() async {
        _ = try? await RedisTestServer.run(RedisTestServer.redisCLI, [
            "-s", socketPath, "--user", "admin", "--pass", Self.demoPasswords["admin"] ?? "", "--no-auth-warning", "SHUTDOWN", "NOSAVE",
        ], timeout: .seconds(5))
        await server.stop()
    }
}

/// Runs `body` with a fresh ACL-enforcing Redis, stopped afterwards.
func withACLRedis<T>(_ body: (ACLRedis) async throws -> T) async throws -> T {
    let redis = try await ACLRedis.start()
    return try await withCleanup { try await body(redis) } cleanup: { await redis.stop() }
}
