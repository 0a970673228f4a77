import Foundation
import Logging
import MCPBroker
import RedisClient
import RedisTestSupport

/// The system under test: either started here (a throwaway Redis, one
/// gateway, N workers — the real executables) or a running one reached by URL.
final class BenchSystem: @unchecked Sendable {
    // @unchecked: built once, then only read; processes are signalled from the bench's task.
    let redisURL: String
    let redisEndpoint: RedisEndpoint
    let host: String
    let port: Int
    let credentials: BenchCredentials
    let keys: BrokerKeys
    let broker: Broker
    private(set) var gateway: ChildProcess?
    private(set) var workers: [ChildProcess] = []
    /// The primaries of a cluster run, read once at start (their counters are summed).
    private(set) var redisPrimaryPorts: [Int] = []
    private let redisServer: RedisTestServer?
    /// The Redis Cluster started for a `--cluster` run (instead of `redisServer`).
    let redisCluster: RedisTestCluster?
    private let directory: URL?

    private init(
        redisURL: String, host: String, port: Int, credentials: BenchCredentials, prefix: String,
        partitioning: Partitioning = .single, redisServer: RedisTestServer?, redisCluster: RedisTestCluster? = nil, directory: URL?
    ) throws {
        self.redisURL = redisURL
        redisEndpoint = try RedisEndpoint(url: redisURL)
        self.host = host
        self.port = port
        self.credentials = credentials
        keys = BrokerKeys(prefix: prefix, partitioning: partitioning)
        var logger = Logger(label: "mcp.bench.redis")
        logger.logLevel = .warning
        var configuration = try RedisConfiguration(url: redisURL)
        configuration.commandTimeout = .seconds(10)
        var brokerConfiguration = BrokerConfiguration(prefix: prefix)
        brokerConfiguration.partitioning = partitioning
        broker = Broker(redis: RedisClient(configuration: configuration, logger: logger), configuration: brokerConfiguration, logger: logger)
        self.redisServer = redisServer
        self.redisCluster = redisCluster
        self.directory = directory
    }

    /// Whether the bench started (and may pause and inspect) the processes.
    var isLocal: Bool { redisServer != nil || redisCluster != nil }

    /// Whether this system runs on the Redis Cluster of a `--cluster` run.
    var isCluster: Bool { redisCluster != nil }

    /// Starts Redis (one server, or with `cluster` a Redis Cluster of that many primaries
    /// and ``BenchConfiguration/clusterPartitions`` partitions), `workers` workers and a
    /// gateway, and waits until the gateway listens and every worker has a heartbeat.
    static func start(_ configuration: BenchConfiguration, cluster primaries: Int? = nil) async throws -> BenchSystem {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let redisArguments = configuration.aof ? ["--appendonly", "yes", "--appendfsync", "everysec"] : []
        let redisServer: RedisTestServer?
        let redisCluster: RedisTestCluster?
        let redisURL: String
        var partitioning = Partitioning.single
        if let primaries {
            let cluster = try await RedisTestCluster.start(primaries: primaries, replicasPerPrimary: 0)
            (redisServer, redisCluster, redisURL) = (nil, cluster, cluster.seedURL)
            guard let chosen = Partitioning(count: configuration.clusterPartitions(primaries: primaries)) else {
                await cluster.stop()
                throw BenchError("--partitions must be from 1 to \(Partitioning.maxCount)")
            }
            partitioning = chosen
        } else {
            // Beside a cluster (whose nodes clients reach over TCP), one server over TCP too: like for like.
            let server = try await RedisTestServer.start(extraArguments: redisArguments, useExternal: false, tcp: configuration.clusterPrimaries > 0)
            (redisServer, redisCluster, redisURL) = (server, nil, server.url)
        }
        let keysFile = directory.appendingPathComponent("keys.json")
        let credentials = try BenchCredentials.generate(clientID: configuration.clientID, serverID: "mcp-bench", writingTo: keysFile)
        let environment = [
            "MCP_LOG_LEVEL": "warning", "MCP_PREFIX": configuration.prefix, "MCP_PARTITIONS": String(partitioning.count),
        ]
        var workers = [ChildProcess]()
        for index in 0..<configuration.workers {
            workers.append(try await ChildProcess(
                executableURL: configuration.binaryFolder.appendingPathComponent("mcp-worker"),
                arguments: ["--redis", redisURL, "--concurrency", String(configuration.workerConcurrency)],
                environment: environment, logDirectory: directory, name: "worker-\(index)"))
        }
        let gateway = try await ChildProcess(
            executableURL: configuration.binaryFolder.appendingPathComponent("mcp-gateway"),
            // Backpressure off: `submit` deliberately piles up 100 000+ jobs with the workers paused.
            arguments: ["--redis", redisURL, "--keys", keysFile.path, "--listen", "127.0.0.1:0", "--max-backlog", "0", "--client-rate", "0"],
            environment: environment.merging(["MCP_LOG_LEVEL": "info"]) { _, new in new }, logDirectory: directory, name: "gateway")
        let port = try await waitForPort(gateway)
        let system = try BenchSystem(
            redisURL: redisURL, host: "127.0.0.1", port: port, credentials: credentials, prefix: configuration.prefix,
            partitioning: partitioning, redisServer: redisServer, redisCluster: redisCluster, directory: directory)
        system.gateway = gateway
        system.workers = workers
        system.redisPrimaryPorts = try await redisCluster?.primaryPorts() ?? []
        try await system.waitForWorkers(configuration.workers)
        return system
    }

    /// A running system: its gateway URL, Redis URL and a client of its key ring.
    static func attach(_ configuration: BenchConfiguration) throws -> BenchSystem {
        guard let url = configuration.gatewayURL, let redisURL = configuration.redisURL, let keysFile = configuration.keysFile,
              let components = URLComponents(string: url), components.scheme == "http", let host = components.host else {
            throw BenchError("--gateway must be an http://host:port URL")
        }
        let credentials = try BenchCredentials.load(keysFile: keysFile, clientID: configuration.clientID)
        return try BenchSystem(
            redisURL: redisURL, host: host, port: components.port ?? 80, credentials: credentials, prefix: configuration.prefix,
            redisServer: nil, directory: nil)
    }

    private static func waitForPort(_ gateway: ChildProcess) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let line = gateway.log.split(separator: "\n").first(where: { $0.contains("mcp-gateway listening") }),
               let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
               let port = Int(line[range].split(separator: ":").last ?? "") {
                return port
            }
            guard gateway.isRunning else { throw BenchError("mcp-gateway exited at start:\n\(gateway.log)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("mcp-gateway did not start listening within 20 s:\n\(gateway.log)")
    }

    private func waitForWorkers(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let live = try? await broker.liveWorkers(), live.count >= count,
               let tools = try? await broker.redis.send("HLEN", keys.tools).int64, tools > 0 || count == 0 {
                return
            }
            for worker in workers where !worker.isRunning { throw BenchError("mcp-worker exited at start:\n\(worker.log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("\(count) workers did not register within 20 s")
    }

    /// Pauses (SIGSTOP) or resumes (SIGCONT) the local workers.
    func pauseWorkers(_ pause: Bool) {
        for worker in workers { worker.signal(pause ? SIGSTOP : SIGCONT) }
    }

    /// A snapshot of Redis's counters (on a cluster, every primary's summed).
    func redisInfo() async throws -> RedisInfo {
        guard let redisCluster else {
            let reply = try await broker.redis.send("INFO", "all")
            return RedisInfo(parsing: reply.string ?? "")
        }
        var total = RedisInfo()
        for port in redisPrimaryPorts {
            total.add(RedisInfo(parsing: try await redisCluster.node(port).send("INFO", "all").string ?? ""))
        }
        return total
    }

    /// How many servers one ``redisInfo()`` asks (its `INFO` commands are the bench's own, not the system's).
    var redisNodes: Int { max(1, redisPrimaryPorts.count) }

    /// The pids of the Redis servers (every node of a cluster).
    func redisPIDs() async throws -> [Int32] {
        guard let redisCluster else { return try await redisInfo().pid.map { [$0] } ?? [] }
        return redisCluster.servers.map { $0.process.pid }
    }

    /// Stops every process the bench started and removes its temp folder.
    func stop() async {
        gateway?.kill()
        for worker in workers { worker.kill() }
        broker.redis.close()
        await redisServer?.stop()
        await redisCluster?.stop()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }
}
