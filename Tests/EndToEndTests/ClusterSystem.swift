import Foundation
import MCPClient
import RedisTestSupport
import Testing

/// The real gateways and workers on a local Redis Cluster (`redis+cluster://` seeds),
/// every process with the same `--partitions`, and signing clients of `client-001`.
struct ClusterSystem {
    let directory: URL
    let gateways: [String]
    let processes: [ChildProcess]

    /// A signing client of gateway `index`.
    func client(_ index: Int = 0) -> MCPStreamsClient {
        MCPStreamsClient(gatewayURL: gateways[index], credentials: ClientCredentials(
            clientID: "client-001", secret: Deployment.clients["client-001"] ?? [], serverID: Deployment.serverID, serverSecret: Deployment.serverSecret))
    }

    /// `--redis <seeds> --partitions <n>`, as every process of the system gets it.
    let common: [String]
}

/// Starts `workers` workers and `gateways` gateways (waiting until each is ready) on `cluster`, runs `body`, stops them.
func withClusterSystem<T>(
    on cluster: RedisTestCluster, partitions: Int, gateways: Int, workers: Int,
    workerArguments: [String] = [], gatewayArguments: [String] = [], _ body: (ClusterSystem) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-cluster-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let keys = directory.appendingPathComponent("keys.json")
    let secret = try #require(Deployment.clients["client-001"])
    try Data("{\"server_id\": \"\(Deployment.serverID)\", \"server_secret\": \"hex:\(Deployment.hex(Deployment.serverSecret))\", \"clients\": {\"client-001\": {\"secret\": \"hex:\(Deployment.hex(secret))\"}}}".utf8).write(to: keys)
    let common = ["--redis", cluster.seedURL, "--partitions", String(partitions)]
    var processes: [ChildProcess] = []
    defer { for process in processes { process.kill() } }
    for index in 0..<workers {
        processes.append(try await ChildProcess(
            executable: "mcp-worker", arguments: common + workerArguments, environment: [:], logDirectory: directory, name: "worker-\(index)"))
    }
    var urls: [String] = []
    for index in 0..<gateways {
        let gateway = try await ChildProcess(
            executable: "mcp-gateway", arguments: common + ["--keys", keys.path, "--listen", "127.0.0.1:0"] + gatewayArguments,
            environment: [:], logDirectory: directory, name: "gateway-\(index)")
        processes.append(gateway)
        var port: Int?
        guard await eventually(timeout: .seconds(20), { port = Deployment.listeningPort(in: gateway.log); return port != nil }), let port else {
            throw DeploymentError("mcp-gateway did not start listening:\n\(gateway.log)")
        }
        let url = "http://127.0.0.1:\(port)"
        guard await eventually(timeout: .seconds(30), { (try? await HTTP.get(url + "/readyz"))?.0 == 200 }) else {
            throw DeploymentError("gateway at \(url) never became ready:\n\(gateway.log)")
        }
        urls.append(url)
    }
    let result = try await body(ClusterSystem(directory: directory, gateways: urls, processes: processes, common: common))
    await expectDocumentedKeys(on: try await cluster.primaryPorts().map { port throws in try cluster.node(port) })
    return result
}
