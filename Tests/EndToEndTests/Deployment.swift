import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport

/// A whole MCPStreams system for one test: a throwaway Redis, gateways and
/// workers run from the real executables, and a key ring with three clients.
final class Deployment: @unchecked Sendable {
    // @unchecked: mutated only from the owning test's task.
    static let serverID = "mcp-server-test"
    static let serverSecret: [UInt8] = Array("server-secret-for-tests".utf8)
    /// client id → secret; `billing` may only call batch_sum.
    static let clients: [String: [UInt8]] = [
        "client-001": Array("client_secret".utf8),
        "client-002": Array("another-client-secret".utf8),
        "billing": Array("billing-secret".utf8),
    ]

    /// `agent`'s API key: a bearer client with no secret (it cannot sign).
    static let agentAPIKey = "mcps_agent-api-key-for-tests-0123456789abcdefghij"
    /// Bearer clients beside the signing ones: `agent` (API key, all tools),
    /// `ide` (OAuth tokens only, all tools its scopes grant).
    static let bearerClientEntries = [
        "\"agent\": {\"api_keys\": [\"\(APIKey.storedForm(of: agentAPIKey))\"], \"tools\": [\"*\"]}",
        "\"ide\": {\"auth\": [\"oauth\"], \"tools\": [\"*\"]}",
    ]

    let redis: RedisTestServer
    let directory: URL
    let keysFile: URL
    let prefix: String
    private(set) var gateways: [(process: ChildProcess, url: String)] = []
    private(set) var workers: [ChildProcess] = []

    private let inspectorClient: RedisClient

    private init(redis: RedisTestServer, directory: URL, prefix: String) throws {
        self.redis = redis
        inspectorClient = try redis.client()
        self.directory = directory
        self.prefix = prefix
        keysFile = directory.appendingPathComponent("keys.json")
        let clients = Deployment.clients.map { id, secret -> String in
            let tools = id == "billing" ? "[\"batch_sum\"]" : "[\"*\"]"
            return "\"\(id)\": {\"secret\": \"hex:\(Self.hex(secret))\", \"tools\": \(tools)}"
        }
        let json = "{\"server_id\": \"\(Self.serverID)\", \"server_secret\": \"hex:\(Self.hex(Self.serverSecret))\", \"clients\": {\((clients + Self.bearerClientEntries).joined(separator: ", "))}}"
        try json.write(to: keysFile, atomically: true, encoding: .utf8)
    }

    /// Starts Redis, `gateways` gateways and `workers` workers, and waits until the gateways are ready.
    static func start(gateways: Int = 1, workers: Int = 1, gatewayArguments: [String] = [], workerArguments: [String] = [], redisArguments: [String] = []) async throws -> Deployment {
        let redis = try await RedisTestServer.start(extraArguments: redisArguments, useExternal: false)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let deployment = try Deployment(redis: redis, directory: directory, prefix: "mcp")
        for _ in 0..<workers { try await deployment.startWorker(extraArguments: workerArguments) }
        for _ in 0..<gateways { try await deployment.startGateway(extraArguments: gatewayArguments) }
        return deployment
    }

    /// Starts one more worker.
    @discardableResult
    func startWorker(extraArguments: [String] = []) async throws -> ChildProcess {
        let worker = try await ChildProcess(
            executable: "mcp-worker", arguments: ["--redis", redis.url, "--concurrency", "8"] + extraArguments,
            environment: ["MCP_LOG_LEVEL": "info"], logDirectory: directory, name: "worker-\(workers.count)")
        workers.append(worker)
        return worker
    }

    /// Starts one more gateway on a free port and waits until it answers `/readyz`; `launcher`
    /// (an absolute path and its arguments, such as `prlimit --nofile=…`) runs it when given.
    func startGateway(extraArguments: [String] = [], launcher: [String] = []) async throws {
        let gateway = ChildProcess.binaryFolder.appendingPathComponent("mcp-gateway")
        let arguments = ["--redis", redis.url, "--keys", keysFile.path, "--listen", "127.0.0.1:0"] + extraArguments
        let process = try await ChildProcess(
            executableURL: launcher.first.map { URL(fileURLWithPath: $0) } ?? gateway,
            arguments: launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [gateway.path] + arguments,
            environment: ["MCP_LOG_LEVEL": "info"], logDirectory: directory, name: "gateway-\(gateways.count)")
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while clock.now < deadline {
            if let port = Self.listeningPort(in: process.log) {
                let url = "http://127.0.0.1:\(port)"
                gateways.append((process, url))
                try await waitUntilReady(url)
                return
            }
            guard process.isRunning else { throw DeploymentError("mcp-gateway exited at start:\n\(process.log)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DeploymentError("mcp-gateway did not start listening within 20 s:\n\(process.log)")
    }

    private func waitUntilReady(_ url: String) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        while clock.now < deadline {
            if let (status, _) = try? await HTTP.get(url + "/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DeploymentError("gateway at \(url) never became ready")
    }

    static func listeningPort(in log: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("mcp-gateway listening") }),
              let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) else { return nil }
        return Int(line[range].split(separator: ":").last ?? "")
    }

    /// The first gateway's URL.
    var url: String { gateways[0].url }

    /// A signing client for one of the key ring's clients, verifying response signatures.
    func client(_ id: String = "client-001", gateway index: Int = 0) -> MCPStreamsClient {
        MCPStreamsClient(
            gatewayURL: gateways[index].url,
            credentials: ClientCredentials(clientID: id, secret: Self.clients[id]!, serverID: Self.serverID, serverSecret: Self.serverSecret))
    }

    /// Polls a job until it is final (or `timeout` passes) and returns the last poll; the 60 s default
    /// leaves room for a loaded machine and costs nothing when the job ends sooner.
    func waitForFinal(_ jobID: String, client: MCPStreamsClient? = nil, timeout: Duration = .seconds(60)) async throws -> GatewayReply {
        let client = client ?? self.client()
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last = try await client.poll(jobID: jobID)
        while clock.now < deadline {
            if let status = last.response.result?["status"]?.stringValue, ["done", "error", "cancelled"].contains(status) { return last }
            try await Task.sleep(for: .milliseconds(50))
            last = try await client.poll(jobID: jobID)
        }
        return last
    }

    /// The job hash as Redis holds it.
    func jobHash(_ jobID: String) async throws -> [String: String] {
        try await inspector().hgetall("\(prefix):{0}:job:\(jobID)")
    }

    /// Runs `mcpctl` against this deployment's Redis and returns (exit status, output).
    func mcpctl(_ arguments: [String]) async throws -> (Int32, String) {
        let process = try await ChildProcess(
            executable: "mcpctl", arguments: arguments + ["--redis", redis.url], environment: [:],
            logDirectory: directory, name: "mcpctl-\(UUID().uuidString.prefix(6))")
        guard await process.waitForExit(timeout: .seconds(20)) else {
            await process.killAndWait()
            return (-1, "mcpctl \(arguments) did not finish within 20 s:\n\(process.log)")
        }
        return (process.exitStatus, process.log)
    }

    /// A Redis client for inspecting state.
    func inspector() throws -> RedisClient { inspectorClient }  // one connection; it reconnects across Redis restarts

    /// Every `mcp:*` key except heartbeats and the catalog (which change on their own), with the job stream's length.
    func snapshot() async throws -> [String] {
        let redis = try inspector()
        let keys = (try await redis.send("KEYS", "\(prefix):*").array ?? []).compactMap(\.string)
            .filter { !$0.hasPrefix("\(prefix):workers") && $0 != "\(prefix):tools" }.sorted()
        let length = try await redis.send("XLEN", "\(prefix):{0}:stream").int64 ?? 0
        return keys + ["stream-length=\(length)"]
    }

    /// Waits until every job entry is acknowledged and so deleted from the job stream: a finished job's
    /// worker no longer writes, so a ``snapshot()`` taken now stays put until the next job.
    func settled() async -> Bool {
        let redis = inspectorClient
        return await eventually {
            let length = try? await redis.send("XLEN", "\(prefix):{0}:stream").int64
            let pending = try? await redis.xpendingSummary("\(prefix):{0}:stream", group: "workers").count
            return length == 0 && pending == 0
        }
    }

    /// Stops everything and removes the temp folder.
    func stop() async {
        for gateway in gateways { gateway.process.kill() }
        for worker in workers { worker.kill() }
        for process in gateways.map(\.process) + workers { _ = await process.waitForExit(timeout: .seconds(10)) }
        await redis.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// A deployment could not be started.
struct DeploymentError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a started deployment and stops it afterwards, keeping logs on failure.
func withDeployment<T>(
    gateways: Int = 1, workers: Int = 1, gatewayArguments: [String] = [], workerArguments: [String] = [], redisArguments: [String] = [],
    _ body: (Deployment) async throws -> T
) async throws -> T {
    let deployment = try await Deployment.start(
        gateways: gateways, workers: workers, gatewayArguments: gatewayArguments, workerArguments: workerArguments, redisArguments: redisArguments)
    return try await withCleanup {
        let result = try await body(deployment)
        await expectDocumentedKeys(on: [try deployment.inspector()], prefix: deployment.prefix)
        return result
    } cleanup: { await deployment.stop() }
}
