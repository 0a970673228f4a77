import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// The query `deploy/kubernetes/cluster/keda.yaml` gives KEDA's Prometheus
/// scaler, run by a real Prometheus (Debian's, unpacked into `.tools/` by
/// `make test`) scraping two real gateways on a 3-primary cluster: it reads
/// the backlog of every partition once, however many gateways report it.
/// KEDA itself needs Kubernetes; what it does with the value is
/// `ceil(value / threshold)` replicas (its documented rule), computed here.
@Suite("KEDA's backlog query on Redis Cluster")
struct KEDABacklogQueryTests {
    /// `query:` and `threshold:` of the Prometheus trigger in the shipped ScaledObject.
    static func scalerSettings() throws -> (query: String, threshold: Int) {
        let yaml = try String(contentsOf: PythonScript.repositoryRoot.appendingPathComponent("deploy/kubernetes/cluster/keda.yaml"), encoding: .utf8)
        func value(_ key: String) -> String? {
            yaml.split(separator: "\n").lazy.map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix(key + ":") }
                .map { $0.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        let query = try #require(value("query"))
        let threshold = try #require(value("threshold").flatMap { Int($0) })
        return (query, threshold)
    }

    /// The query's one value from Prometheus's HTTP API, or `nil` while it has none.
    static func query(_ prometheus: String, _ expression: String) async throws -> Double? {
        let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
        let (status, body) = try await HTTP.get("\(prometheus)/api/v1/query?query=\(encoded)")
        guard status == 200, case .object(let reply)? = try? JSONParser.parse(body),
              case .object(let data)? = reply["data"], case .array(let results)? = data["result"],
              case .object(let first)? = results.first, case .array(let sample)? = first["value"], sample.count == 2,
              case .string(let text) = sample[1] else { return nil }
        return Double(text)
    }

    @Test func theScaledObjectsQueryReadsTheBacklogOfEveryPartitionOnce() async throws {
        let (expression, threshold) = try Self.scalerSettings()
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            // The worker publishes the catalog (with `simulate`, an async tool), then stops: the jobs wait, unread.
            try await withClusterSystem(
                on: cluster, partitions: 12, gateways: 2, workers: 1, workerArguments: ["--enable-test-tools"]
            ) { system in
                let worker = try #require(system.processes.first)
                worker.kill()
                #expect(await worker.waitForExit(timeout: .seconds(10)))
                let jobs = 2 * threshold + 5
                var partitions = Set<Int>()
                for index in 0..<jobs {
                    let reply = try await system.client(index % 2).call("simulate")
                    let jobID = try #require(reply.jobID, "\(reply.response)")
                    partitions.insert(Int(jobID.prefix(4), radix: 16) ?? -1)
                }
                #expect(partitions.count >= 6, "the jobs spread over the partitions: \(partitions.sorted())")

                let port = try #require(LoopbackPort.free(withCompanionOffset: 0))  // below the ephemeral range
                let targets = system.gateways.map { "'\($0.replacingOccurrences(of: "http://", with: ""))'" }.joined(separator: ", ")
                let config = system.directory.appendingPathComponent("prometheus.yml")
                try Data("""
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: mcp-gateway
                        static_configs:
                          - targets: [\(targets)]
                    """.utf8).write(to: config)
                let binary = PythonScript.repositoryRoot.appendingPathComponent(".tools/prometheus/usr/bin/prometheus")
                #expect(FileManager.default.isExecutableFile(atPath: binary.path), "\(binary.path) is missing: run `make deps-test`")
                let prometheus = try await ChildProcess(
                    executableURL: binary,
                    arguments: [
                        "--config.file=\(config.path)", "--storage.tsdb.path=\(system.directory.appendingPathComponent("tsdb").path)",
                        "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
                    ],
                    environment: [:], logDirectory: system.directory, name: "prometheus")
                defer { prometheus.kill() }
                let server = "http://127.0.0.1:\(port)"
                // Both gateways scraped, each reporting the whole backlog.
                var perGateway: Double?
                #expect(await eventually(timeout: .seconds(60)) {
                    perGateway = try? await Self.query(server, "min(mcp_backlog) and count(mcp_backlog) == 2")
                    return perGateway == Double(jobs)
                }, "each gateway's mcp_backlog: \(String(describing: perGateway)); prometheus:\n\(prometheus.log)")
                let value = try #require(try await Self.query(server, expression))
                #expect(value == Double(jobs), "\(expression) = \(value), the backlog is \(jobs)")
                #expect(try await Self.query(server, "sum(mcp_backlog)") == Double(2 * jobs), "a sum would count the backlog once per gateway")
                // KEDA's Prometheus scaler: ceil(value / threshold) replicas, here 3 for 2 × threshold + 5.
                #expect(Int((value / Double(threshold)).rounded(.up)) == 3)

                // mcpctl reads the same backlog through the cluster.
                let stats = try await ChildProcess(
                    executable: "mcpctl", arguments: ["stats", "--json"] + system.common, environment: [:],
                    logDirectory: system.directory, name: "mcpctl-stats")
                #expect(await stats.waitForExit(timeout: .seconds(20)))
                #expect(stats.log.contains("\"backlog\":\(jobs)"), "\(stats.log)")
            }
        }
    }
}
