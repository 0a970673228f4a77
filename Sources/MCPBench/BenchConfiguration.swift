import Foundation
import MCPBroker

/// Everything one benchmark run needs, with the defaults `make bench` uses.
public struct BenchConfiguration: Sendable {
    /// Which scenarios to run, in report order.
    public var scenarios: [Scenario] = Scenario.allCases
    /// Worker processes to start (local mode).
    public var workers: Int = 2
    /// `--concurrency` of each worker.
    public var workerConcurrency: Int = 64
    /// Keep-alive HTTP connections the generator opens (also `redis-benchmark -c`).
    public var connections: Int = 32
    /// How long the `submit` and closed-loop `sync` phases run.
    public var duration: Duration = .seconds(4)
    /// Jobs in the `e2e` phase.
    public var e2eJobs: Int = 20_000
    /// The open-loop `sync` rate, requests per second.
    public var syncRate: Int = 1_000
    /// Connections the open loop may use at once.
    public var openLoopConnections: Int = 16
    /// Client counts of the `closed` scenario's loops, one row each.
    public var closedClients: [Int] = [1, 4, 16]
    /// The Python interpreter of the `closed` scenario's Python rows (standard library only).
    public var python: String = "python3"
    /// The Python client script; its rows are skipped, with a warning, when it or `python` is missing.
    public var pythonClient: String = "bench/python/closed_loop.py"
    /// Jobs the `ingress` scenario's producer feeds.
    public var ingressJobs: Int = 20_000
    /// Repetitions of `lone`, each after `loneIdle`.
    public var loneRepeats: Int = 5
    /// Idle time before each `lone` job.
    public var loneIdle: Duration = .seconds(1)
    /// Requests per `redis-benchmark` test in `ceiling`.
    public var ceilingRequests: Int = 200_000
    /// Start Redis with the append-only file (`appendfsync everysec`).
    public var aof: Bool = false
    /// With N ≥ 3, run the selected scenarios twice in one run: on one Redis server, then
    /// on a local Redis Cluster of N primaries (no replicas), and compare them. 0: one server only.
    public var clusterPrimaries: Int = 0
    /// Partitions of the cluster run; `nil`: 4 × the primaries (README's advice).
    public var partitions: Int?
    /// A running gateway to target instead of starting one (needs `redisURL` and `keysFile`).
    public var gatewayURL: String?
    /// The Redis of a running system, or nil to start one.
    public var redisURL: String?
    /// The key ring of a running system (to sign as one of its clients).
    public var keysFile: String?
    /// The client to sign as when targeting a running system.
    public var clientID: String = "bench"
    /// The key prefix of the system under test.
    public var prefix: String = BrokerConfiguration.defaultPrefix
    /// Where the `mcp-gateway` and `mcp-worker` executables are (default: next to `mcp-bench`).
    public var binaryFolder: URL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    /// Drive `submit` through AsyncHTTPClient instead of the bench's own NIO client (to compare generator cost).
    public var useAsyncHTTPClient = false
    /// Where to write the report as JSON, if anywhere.
    public var jsonFile: String?

    /// The defaults.
    public init() {}

    /// Whether the run starts its own Redis, gateway and workers.
    public var isLocal: Bool { gatewayURL == nil }

    /// The partitions of a cluster run over `primaries` primaries.
    func clusterPartitions(primaries: Int) -> Int {
        partitions ?? 4 * primaries
    }

    /// Checks combinations of options that cannot work together.
    public func validate() throws(BenchError) {
        if gatewayURL != nil && (redisURL == nil || keysFile == nil) {
            throw BenchError("--gateway needs --redis (the system's Redis) and --keys (its key ring, to sign as --client-id)")
        }
        if gatewayURL == nil && redisURL != nil {
            throw BenchError("--redis targets a running system and needs --gateway too")
        }
        if workers < 0 || connections < 1 || syncRate < 1 || e2eJobs < 1 || loneRepeats < 1 || ingressJobs < 1 {
            throw BenchError("--workers must be ≥ 0 and --connections, --rate, --jobs, --ingress-jobs and --lone-repeats ≥ 1")
        }
        if clusterPrimaries != 0 && (clusterPrimaries < 3 || gatewayURL != nil) {
            throw BenchError("--cluster starts a local Redis Cluster of at least 3 primaries (redis-cli --cluster create); it cannot target a running system")
        }
        if let partitions, partitions < 1 || partitions > Partitioning.maxCount {
            throw BenchError("--partitions must be from 1 to \(Partitioning.maxCount)")
        }
        if partitions != nil && clusterPrimaries == 0 {
            throw BenchError("--partitions sets the partitions of the --cluster run; add --cluster N (3 or more primaries)")
        }
        if closedClients.isEmpty || closedClients.contains(where: { $0 < 1 || $0 > 4_096 }) {
            throw BenchError("--closed-clients must list client counts from 1 to 4096")
        }
    }
}
