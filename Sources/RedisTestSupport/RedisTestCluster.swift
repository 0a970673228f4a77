import Foundation
import Logging
import RedisClient
import Synchronization

/// A throwaway local Redis Cluster for tests: `primaries` primaries with
/// `replicasPerPrimary` replicas each, as `redis-server` processes on free
/// loopback ports (cluster mode, short node timeout, no persistence), formed
/// with `redis-cli --cluster create` and ready once every node reports
/// `cluster_state:ok` with all 16384 slots served and every replica in sync.
///
/// Helpers move slots (whole, or left half-migrated for `ASK`/`TRYAGAIN` tests)
/// and kill a primary until its replica takes over. Every wait is bounded.
public final class RedisTestCluster: Sendable {
    /// One `redis-server` of the cluster.
    public struct Node: Sendable {
        /// Its port on 127.0.0.1 (the cluster bus is this + 10000).
        public let port: Int
        /// The running process.
        public let process: ChildProcess
    }

    /// The temp directory holding every node's folder and log.
    public let directory: URL
    /// Every node, primaries first as formed (roles change after a failover: ask ``nodes()``).
    public let servers: [Node]
    /// How long a node may be unreachable before the cluster fails it over.
    public let nodeTimeout: Duration
    let adminClients = Mutex<[Int: RedisClient]>([:])
    let migrations = Mutex<[Int: (source: Int, target: Int)]>([:])

    init(directory: URL, servers: [Node], nodeTimeout: Duration) {
        self.directory = directory
        self.servers = servers
        self.nodeTimeout = nodeTimeout
    }

    /// Starts the nodes, forms the cluster and waits until it is ready (at most `timeout`).
    public static func start(
        primaries: Int = 3, replicasPerPrimary: Int = 1, nodeTimeout: Duration = .milliseconds(1000), timeout: Duration = .seconds(60)
    ) async throws -> RedisTestCluster {
        guard primaries >= 3 else { throw RedisTestServerError("redis-cli --cluster create needs at least 3 primaries") }
        guard let binary = RedisTestServer.locate("redis-server") else {
            throw RedisTestServerError("redis-server is not installed: run `make deps` (apt-get install redis-server)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-cluster-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var servers = [Node]()
        do {
            for index in 0..<(primaries * (1 + replicasPerPrimary)) {
                servers.append(try await launchNode(binary: binary, index: index, in: directory, nodeTimeout: nodeTimeout))
            }
        } catch {
            for server in servers { server.process.kill() }
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let cluster = RedisTestCluster(directory: directory, servers: servers, nodeTimeout: nodeTimeout)
        do {
            let create = try await ProgramRun.run(
                RedisTestServer.redisCLI,
                ["--cluster", "create"] + servers.map { "127.0.0.1:\($0.port)" }
                    + ["--cluster-replicas", String(replicasPerPrimary), "--cluster-yes"],
                timeout: timeout)
            guard create.status == 0 else {
                throw RedisTestServerError("redis-cli --cluster create failed (\(create.status)): \((create.output + create.errors).suffix(800))")
            }
            try await cluster.waitUntilReady(timeout: timeout)
        } catch {
            await cluster.stop()
            throw error
        }
        return cluster
    }

    /// The seed URL: `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…` (every node).
    public var seedURL: String {
        "redis+cluster://" + servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
    }

    /// A new cluster client with short timeouts and backoffs (a test's client, not the admin one).
    public func client(
        commandTimeout: Duration = .seconds(2), maxAttempts: Int = 8, logger: Logger = Logger(label: "test.redis.cluster")
    ) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: seedURL)
        configuration.commandTimeout = commandTimeout
        configuration.connectTimeout = .milliseconds(500)
        configuration.reconnectMaxBackoff = .milliseconds(200)
        configuration.clusterMaxAttempts = maxAttempts
        return RedisClient(configuration: configuration, logger: logger)
    }

    /// A plain client of one node (`redis://127.0.0.1:port`), for administration and checks; kept and reused.
    public func node(_ port: Int) throws -> RedisClient {
        if let known = adminClients.withLock({ $0[port] }) { return known }
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(port)")
        configuration.connectTimeout = .milliseconds(500)
        configuration.commandTimeout = .seconds(5)
        configuration.reconnectMaxBackoff = .milliseconds(100)
        let fresh = RedisClient(configuration: configuration, logger: Logger(label: "test.redis.cluster.admin"))
        return adminClients.withLock { clients in
            if let known = clients[port] { return known }
            clients[port] = fresh
            return fresh
        }
    }

    /// The nodes' states as one live node sees them (`CLUSTER NODES`).
    public func nodes() async throws -> [ClusterNodeState] {
        var failure: (any Error)?
        for server in servers where server.process.isRunning {
            do {
                let reply = try await node(server.port).send("CLUSTER", "NODES")
                return ClusterNodeState.parse(reply.string ?? "")
            } catch {
                failure = error
            }
        }
        throw failure ?? RedisTestServerError("no node of the cluster is running")
    }

    /// The ports of the current primaries that serve slots.
    public func primaryPorts() async throws -> [Int] {
        try await nodes().filter { $0.isPrimary && !$0.isFailing && !$0.slotRanges.isEmpty }.map(\.port).sorted()
    }

    /// The port of the primary serving `slot`.
    public func port(owningSlot slot: Int) async throws -> Int {
        guard let owner = try await nodes().first(where: { $0.isPrimary && !$0.isFailing && $0.serves(slot) }) else {
            throw RedisTestServerError("no live primary serves slot \(slot)")
        }
        return owner.port
    }

    /// The node id of the node on `port`.
    public func nodeID(_ port: Int) async throws -> String {
        guard let id = try await node(port).send("CLUSTER", "MYID").string else {
            throw RedisTestServerError("CLUSTER MYID on \(port) gave no id")
        }
        return id
    }

    /// Waits until every running node reports `cluster_state:ok`, all slots served, every node known,
    /// and every replica linked to its primary.
    public func waitUntilReady(timeout: Duration = .seconds(30)) async throws {
        let running = servers.filter { $0.process.isRunning }
        let ready = await eventually(timeout: timeout) {
            for server in running {
                guard let client = try? self.node(server.port), let text = try? await client.send("CLUSTER", "INFO").string else { return false }
                let info = Self.fields(text)
                guard info["cluster_state"] == "ok", info["cluster_slots_ok"] == "16384", info["cluster_known_nodes"] == "\(self.servers.count)" else {
                    return false
                }
                guard let replication = try? await client.send("INFO", "replication").string.map(Self.fields) else { return false }
                if replication["role"] == "slave" && replication["master_link_status"] != "up" { return false }
            }
            return true
        }
        guard ready else { throw RedisTestServerError("the Redis Cluster in \(directory.path) was not ready within \(timeout)") }
    }

    /// The `name:value` lines of an `INFO` or `CLUSTER INFO` reply.
    static func fields(_ text: String) -> [String: String] {
        var fields = [String: String]()
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return fields
    }

    /// Stops every node (SIGKILL: nothing is persisted) and removes the directory.
    public func stop() async {
        for client in adminClients.withLock({ Array($0.values) }) { client.close() }
        for server in servers { await server.process.killAndWait(timeout: .seconds(5)) }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        for server in servers { server.process.kill() }
        try? FileManager.default.removeItem(at: directory)
    }

    private static func launchNode(binary: String, index: Int, in directory: URL, nodeTimeout: Duration) async throws -> Node {
        var lastError = ""
        for _ in 0..<5 {  // a port found free may be taken before the server binds it: try another
            guard let port = LoopbackPort.free() else { throw RedisTestServerError("no free loopback port pair for a cluster node") }
            let folder = directory.appendingPathComponent("node-\(index)-\(port)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let process = try await ChildProcess(
                executableURL: URL(fileURLWithPath: binary),
                arguments: [
                    "--port", String(port), "--bind", "127.0.0.1", "--dir", folder.path,
                    "--cluster-enabled", "yes", "--cluster-config-file", folder.appendingPathComponent("nodes.conf").path,
                    "--cluster-node-timeout", String(nodeTimeout.components.seconds * 1000 + nodeTimeout.components.attoseconds / 1_000_000_000_000_000),
                    "--save", "", "--appendonly", "no", "--logfile", folder.appendingPathComponent("redis.log").path,
                ],
                environment: [:], logDirectory: folder, name: "redis-server")
            let answered = await eventually(timeout: .seconds(10)) {
                if !process.isRunning { return true }
                let reply = try? await RedisTestServer.run(RedisTestServer.redisCLI, ["-p", String(port), "PING"], timeout: .seconds(2))
                return reply?.contains("PONG") == true
            }
            if answered && process.isRunning { return Node(port: port, process: process) }
            await process.killAndWait(timeout: .seconds(5))
            lastError = (try? String(contentsOf: folder.appendingPathComponent("redis.log"), encoding: .utf8))?.suffix(400).description ?? ""
        }
        throw RedisTestServerError("a cluster node did not start: \(lastError)")
    }
}

/// Runs `body` with a fresh local Redis Cluster, stopped afterwards.
public func withRedisCluster<T>(
    primaries: Int = 3, replicasPerPrimary: Int = 1, _ body: (RedisTestCluster) async throws -> T
) async throws -> T {
    let cluster = try await RedisTestCluster.start(primaries: primaries, replicasPerPrimary: replicasPerPrimary)
    return try await withCleanup { try await body(cluster) } cleanup: { await cluster.stop() }
}
