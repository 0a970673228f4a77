import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// `deploy/redis/users.acl` on a Redis Cluster: the users of the file are set on
/// every node (the default user stays on for the harness), the function library
/// is loaded as `setup`, and the real gateway and worker do their work as their
/// own users with `--partitions 6` (the gateway with `--durability replicated`, so its
/// `WAIT` runs as the gateway user too); no node logs an ACL refusal.
@Suite("deploy/redis/users.acl on a Redis Cluster")
struct ACLClusterTests {
    /// `ACL SETUSER` arguments of each `user …` line but `default`: words, with `( … )` selectors kept whole.
    static func setUserCommands() throws -> [[String]] {
        try RepositoryFiles.text("deploy/redis/users.acl").split(separator: "\n").compactMap { line -> [String]? in
            guard line.hasPrefix("user "), !line.hasPrefix("user default ") else { return nil }
            var words: [String] = []
            var current = ""
            var depth = 0
            for character in line.dropFirst("user ".count) {
                if character == "(" { depth += 1 }
                if character == ")" { depth -= 1 }
                if character == " " && depth == 0 {
                    if !current.isEmpty { words.append(current) }
                    current = ""
                } else {
                    current.append(character)
                }
            }
            if !current.isEmpty { words.append(current) }
            return words
        }
    }

    @Test func gatewayAndWorkerServeJobsAsTheirOwnUsersOnEveryNode() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 1) { cluster in
            let users = try Self.setUserCommands()
            #expect(users.count >= 6)
            for port in try await cluster.primaryPorts() {
                let node = try cluster.node(port)
                for words in users { _ = try await node.send(RedisCommand("ACL", ["SETUSER"] + words)).orThrow() }
                _ = try await node.send("ACL", "LOG", "RESET")
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-acl-cluster-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            func url(_ user: String) -> String {
                cluster.seedURL.replacingOccurrences(of: "redis+cluster://", with: "redis+cluster://\(user):\(ACLRedis.demoPasswords[user] ?? "")@")
            }
            let setup = try await ChildProcess(
                executable: "mcpctl", arguments: ["redis", "setup", "--redis", url("setup"), "--partitions", "6"], environment: [:], logDirectory: directory, name: "setup")
            #expect(await setup.waitForExit(timeout: .seconds(20)) && setup.exitStatus == 0, "\(setup.log)")
            // It tried the users' rights on every primary (ACL users are per node).
            for role in ["gateway", "worker"] {
                #expect(setup.log.components(separatedBy: "acl \(role) user \(role): all ").count - 1 == 3, "\(setup.log)")
            }
            let keys = directory.appendingPathComponent("keys.json")
            try Data("{\"server_id\": \"s\", \"server_secret\": \"server\", \"clients\": {\"client-001\": {\"secret\": \"client_secret\"}}}".utf8).write(to: keys)
            let worker = try await ChildProcess(
                executable: "mcp-worker", arguments: ["--partitions", "6", "--enable-test-tools"],
                environment: ["MCP_REDIS_URL": url("worker")], logDirectory: directory, name: "worker")
            defer { worker.kill() }
            let gateway = try await GatewayProcess.start(redisURL: url("gateway"), keysFile: keys.path, directory: directory, extraArguments: ["--partitions", "6", "--durability", "replicated"])
            defer { gateway.process.kill() }
            let client = MCPStreamsClient(
                gatewayURL: gateway.url,
                credentials: ClientCredentials(clientID: "client-001", secret: Array("client_secret".utf8), serverID: "s", serverSecret: Array("server".utf8)))
            // Sync and async jobs over several partitions, polled by id.
            for index in 0..<6 {
                let sum = try await client.call("batch_sum", args: ["numbers": [1, .integer(JSONInteger(Int64(index)))]])
                #expect(sum.response.status == .ok, "\(sum.response)")
                let started = try await client.call("noop")
                let jobID = try #require(started.jobID, "\(started.response)")
                #expect(await eventually(timeout: .seconds(30)) { (try? await client.poll(jobID: jobID))?.response.status == .done })
            }
            let monitor = try RedisClient(url: url("monitor"))
            #expect(try await monitor.send("HGET", "mcp:config", "partitions").string == "6")
            // Nothing either process did was refused, on any node.
            for port in try await cluster.primaryPorts() {
                let log = try await cluster.node(port).send("ACL", "LOG")
                #expect((log.array ?? []).isEmpty, "ACL LOG on \(port): \(log)")
            }
            #expect(worker.isRunning && gateway.process.isRunning)
        }
    }
}
