import Foundation
import RedisTestSupport
import Testing

/// The image runs every process as uid 10001 with every capability dropped (deploy/Dockerfile,
/// compose's `cap_drop: ALL`, Kubernetes' `runAsNonRoot`), and the systemd units as their own
/// user: the real executables must reach Redis over TCP without any privilege. (Until
/// 2026-11-30 the Redis client asked for `TCP_NODELAY` at the socket level, which is
/// `SO_DEBUG`: refused without `CAP_NET_ADMIN`, so no unprivileged process could connect.)
@Suite("Processes without privileges")
struct UnprivilegedProcessTests {
    @Test func mcpctlReachesRedisOverTCPWithEveryCapabilityDropped() async throws {
        let server = try await RedisTestServer.start(useExternal: false, tcp: true)
        let run: ProgramRun
        do {
            // setpriv empties the bounding and inheritable sets: the program runs with no capability at all.
            run = try await ProgramRun.run(
                "setpriv", ["--bounding-set=-all", "--inh-caps=-all", ChildProcess.binaryFolder.appendingPathComponent("mcpctl").path, "redis", "setup"],
                environment: ["MCP_REDIS_URL": server.url], timeout: .seconds(60))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(server.url.hasPrefix("redis://127.0.0.1:"))
        #expect(run.status == 0, "mcpctl redis setup without capabilities exited \(run.status): \(run.errors.suffix(2000))")
        #expect(run.output.contains("loaded"), "\(run.output)")
    }
}
