import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// The real gateway, worker and mcpctl on a local Redis Cluster of 3 primaries
/// (`redis+cluster://` seeds) with `--partitions 6`: jobs spread over the
/// primaries, any gateway follows any job, and the counters sum over partitions.
@Suite("Deployment on Redis Cluster")
struct ClusterDeploymentTests {
    @Test func gatewaysAndAWorkerServeJobsAcrossThePrimaries() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-cluster-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let keys = directory.appendingPathComponent("keys.json")
            let secret = try #require(Deployment.clients["client-001"])
            try Data("{\"server_id\": \"\(Deployment.serverID)\", \"server_secret\": \"hex:\(Deployment.hex(Deployment.serverSecret))\", \"clients\": {\"client-001\": {\"secret\": \"hex:\(Deployment.hex(secret))\"}}}".utf8).write(to: keys)
            let common = ["--redis", cluster.seedURL, "--partitions", "6"]
            var processes: [ChildProcess] = []
            defer { for process in processes { process.kill() } }
            processes.append(try await ChildProcess(executable: "mcp-worker", arguments: common + ["--concurrency", "8"], environment: [:], logDirectory: directory, name: "worker"))
            var urls: [String] = []
            for index in 0..<2 {
                let gateway = try await ChildProcess(
                    executable: "mcp-gateway", arguments: common + ["--keys", keys.path, "--listen", "127.0.0.1:0"], environment: [:],
                    logDirectory: directory, name: "gateway-\(index)")
                processes.append(gateway)
                var port: Int?
                #expect(await eventually(timeout: .seconds(20)) {
                    port = Deployment.listeningPort(in: gateway.log)
                    return port != nil
                }, "\(gateway.log)")
                let url = "http://127.0.0.1:\(try #require(port))"
                #expect(await eventually(timeout: .seconds(30)) { (try? await HTTP.get(url + "/readyz"))?.0 == 200 }, "\(gateway.log)")
                urls.append(url)
            }
            func client(_ index: Int) -> MCPStreamsClient {
                MCPStreamsClient(gatewayURL: urls[index], credentials: ClientCredentials(
                    clientID: "client-001", secret: secret, serverID: Deployment.serverID, serverSecret: Deployment.serverSecret))
            }
            // Sync calls answer inline; async jobs are followed through the other gateway.
            for index in 0..<10 {
                let reply = try await client(index % 2).call("batch_sum", args: ["numbers": [1, .integer(JSONInteger(Int64(index)))]])
                #expect(reply.response.status == .ok, "\(reply.response)")
            }
            var jobIDs: [String] = []
            for _ in 0..<12 { jobIDs.append(try #require(try await client(0).call("noop").jobID)) }
            for id in jobIDs {
                var status: ResponseStatus?
                #expect(await eventually(timeout: .seconds(30)) {
                    status = try? await client(1).poll(jobID: id).response.status
                    return status == .done
                }, "\(id): \(String(describing: status))")
            }
            // The jobs' hashes live on more than one primary.
            var owners = Set<Int>()
            for id in jobIDs {
                let p = Int(id.prefix(4), radix: 16) ?? 0
                owners.insert(try await cluster.port(owningSlot: ClusterKeySlot.slot(of: "mcp:{\(p)}:job:\(id)")))
            }
            #expect(owners.count >= 2, "\(owners)")
            // mcpctl reads the counters of every partition through the cluster.
            let stats = try await ChildProcess(
                executable: "mcpctl", arguments: ["stats", "--json"] + common, environment: [:], logDirectory: directory, name: "mcpctl-stats")
            #expect(await stats.waitForExit(timeout: .seconds(20)))
            #expect(stats.exitStatus == 0, "\(stats.log)")
            #expect(stats.log.contains("\"backlog\":0"), "\(stats.log)")
        }
    }
}
