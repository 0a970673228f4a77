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
            try await withClusterSystem(on: cluster, partitions: 6, gateways: 2, workers: 1, workerArguments: ["--concurrency", "8"]) { system in
                func client(_ index: Int) -> MCPStreamsClient { system.client(index) }
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
                executable: "mcpctl", arguments: ["stats", "--json"] + system.common, environment: [:], logDirectory: system.directory, name: "mcpctl-stats")
            #expect(await stats.waitForExit(timeout: .seconds(20)))
            #expect(stats.exitStatus == 0, "\(stats.log)")
            #expect(stats.log.contains("\"backlog\":0"), "\(stats.log)")
            // The runbook's cluster commands run against this cluster, each through one node.
            let node = try #require(cluster.servers.first?.port)
            let markdown = try String(contentsOf: RunbookTests.page, encoding: .utf8)
            let commands = RunbookTests.commands(in: markdown, info: "sh cluster")
            #expect(commands.count >= 6)
            for command in commands {
                var line = command.replacingOccurrences(of: "redis-cli ", with: "redis-cli -p \(node) --no-raw ", options: .anchored)
                line = line.replacingOccurrences(of: "<node>", with: "127.0.0.1:\(node)").replacingOccurrences(of: "<p>", with: "5")
                #expect(line.range(of: #"<[a-z_]+>"#, options: .regularExpression) == nil, "unknown placeholder in: \(command)")
                let run = try await ExternalProgram.run("bash", ["-c", line], in: system.directory, timeout: .seconds(10))
                #expect(run.status == 0, "\(command) exited \(run.status): \(run.errors)")
                #expect(!run.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(command) printed nothing")
                #expect(!run.output.contains("(error)") && !run.output.contains("[ERR]"), "\(command): \(run.output)")
            }
            }
        }
    }
}
