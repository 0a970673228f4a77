import Foundation
import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

/// `mcpctl redis setup` loads the broker's function library; gateway and worker,
/// whose users may not load code, refuse to start without it and name the fix.
@Suite("deploy/redis/users.acl: function library setup", .serialized)
struct FunctionSetupTests {
    @Test func gatewayAndWorkerRefuseToStartWithoutTheLibraryThenStartAfterSetup() async throws {
        try await withACLRedis { redis in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-setup-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let keysFile = directory.appendingPathComponent("keyring.json")
            try FileManager.default.copyItem(at: RepositoryFiles.url("deploy/keyring.json"), to: keysFile)
            try "server-secret\n".write(to: directory.appendingPathComponent("server_secret"), atomically: true, encoding: .utf8)
            try "client-secret\n".write(to: directory.appendingPathComponent("client_001_secret"), atomically: true, encoding: .utf8)

            let refused = [
                ("mcp-worker", ["--worker-id", "setup-worker"], redis.url(user: "worker")),
                ("mcp-gateway", ["--listen", "127.0.0.1:0", "--keys", keysFile.path], redis.url(user: "gateway")),
            ]
            for (executable, arguments, url) in refused {
                let process = try await ChildProcess(
                    executable: executable, arguments: arguments, environment: ["MCP_REDIS_URL": url],
                    logDirectory: directory, name: "\(executable)-refused")
                defer { process.kill() }
                #expect(await process.waitForExit(timeout: .seconds(20)), "\(executable) should refuse to start:\n\(process.log)")
                #expect(process.exitStatus != 0)
                #expect(process.log.contains(BrokerFunctions.library.name), "\(process.log)")
                #expect(process.log.contains("mcpctl redis setup"), "\(process.log)")
            }

            // --check loads nothing and fails; setup loads once; a second run finds it.
            let (checkStatus, checkOutput) = try await redis.mcpctl(["redis", "setup", "--check"], user: "setup", directory: directory)
            #expect(checkStatus != 0, "\(checkOutput)")
            let (status, output) = try await redis.mcpctl(["redis", "setup"], user: "setup", directory: directory)
            #expect(status == 0 && output.contains("\(BrokerFunctions.library.name): loaded"), "\(output)")
            let (again, againOutput) = try await redis.mcpctl(["redis", "setup"], user: "setup", directory: directory)
            #expect(again == 0 && againOutput.contains("\(BrokerFunctions.library.name): present"), "\(againOutput)")
            // The gateway user checks but cannot load, so it cannot run setup itself.
            let admin = try redis.client("admin")
            try await admin.send("FUNCTION", "FLUSH")
            let (gatewayStatus, gatewayOutput) = try await redis.mcpctl(["redis", "setup"], user: "gateway", directory: directory)
            #expect(gatewayStatus != 0 && gatewayOutput.contains("may not load it"), "\(gatewayOutput)")
            try await redis.setUp(directory: directory)

            // Old libraries are pruned by the admin user only.
            try await admin.send("FUNCTION", "LOAD", "#!lua name=mcpstreams_000000000000\nredis.register_function('mcp_000000000000_x', function(KEYS, ARGV) return 1 end)")
            let (setupPrune, setupPruneOutput) = try await redis.mcpctl(["redis", "setup", "--prune"], user: "setup", directory: directory)
            #expect(setupPrune != 0, "\(setupPruneOutput)")
            let (prune, pruneOutput) = try await redis.mcpctl(["redis", "setup", "--prune"], user: "admin", directory: directory)
            #expect(prune == 0 && pruneOutput.contains("mcpstreams_000000000000: deleted"), "\(pruneOutput)")
            #expect(try await admin.libraryNames(matching: "mcpstreams_*") == [BrokerFunctions.library.name])

            // With the library there, the worker starts as its own user.
            let worker = try await ChildProcess(
                executable: "mcp-worker", arguments: ["--worker-id", "setup-worker"], environment: ["MCP_REDIS_URL": redis.url(user: "worker")],
                logDirectory: directory, name: "mcp-worker-started")
            defer { worker.kill() }
            #expect(await eventually(timeout: .seconds(30)) { (try? await admin.send("ZSCORE", "mcp:workers", "setup-worker").string) != nil },
                    "\(worker.log)")
        }
    }

    /// `mcpctl redis setup` reports each node's `maxmemory-policy` and warns of one that may evict
    /// the deployment's keys; a user without `INFO` is told it was not checked.
    @Test func setupReportsTheEvictionPolicy() async throws {
        try await withACLRedis { redis in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-eviction-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let admin = try redis.client("admin")
            _ = try await admin.send("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
            let (status, output) = try await redis.mcpctl(["redis", "setup"], user: "setup", directory: directory)
            #expect(status == 0, "\(output)")
            #expect(output.contains("maxmemory-policy: allkeys-lru"), "\(output)")
            #expect(output.contains("warning:") && output.contains("queued jobs and their stream entries would be lost"), "\(output)")
            #expect(output.contains("set maxmemory-policy noeviction"), "\(output)")

            _ = try await admin.send("CONFIG", "SET", "maxmemory-policy", "noeviction")
            let (_, safe) = try await redis.mcpctl(["redis", "setup", "--check"], user: "setup", directory: directory)
            #expect(safe.contains("maxmemory-policy: noeviction") && !safe.contains("warning:"), "\(safe)")
            // The gateway user may not run INFO (deploy/redis/users.acl): nothing is claimed either way.
            let (_, gatewayOutput) = try await redis.mcpctl(["redis", "setup", "--check"], user: "gateway", directory: directory)
            #expect(gatewayOutput.contains("maxmemory-policy: not checked"), "\(gatewayOutput)")
        }
    }
}
