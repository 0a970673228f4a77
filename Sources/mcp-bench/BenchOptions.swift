import ArgumentParser
import Foundation
import MCPBench
import MCPCommandLine

/// The command line of `mcp-bench`; defaults are `make bench`'s.
struct BenchOptions: ParsableArguments {
    @Option(help: "Comma-separated scenarios: ceiling, submit, e2e, sync, lone, cost, closed, ingress, or all.")
    var scenarios = "all"

    @Option(help: "mcp-worker processes to start.")
    var workers = 2

    @Option(name: .customLong("worker-concurrency"), help: "--concurrency of each started worker.")
    var workerConcurrency = 64

    @Option(help: "Keep-alive HTTP connections of the generator (also redis-benchmark -c in ceiling).")
    var connections = 32

    @Option(help: "Seconds the submit and open-loop sync phases run (closed-loop sync runs half of it), 0.1 to 3600.")
    var duration = 4.0

    @Option(help: "Jobs in the e2e phase.")
    var jobs = 20_000

    @Option(name: .customLong("closed-clients"), help: "Client counts of the closed scenario's loops, comma-separated.")
    var closedClients = "1,4,16"

    @Option(name: .customLong("ingress-jobs"), help: "Jobs the ingress scenario's producer feeds, one XADD at a time.")
    var ingressJobs = 20_000

    @Option(help: "Python interpreter for the closed scenario's Python-client rows (standard library only).")
    var python = "python3"

    @Option(name: .customLong("python-client"), help: "The Python client script of those rows (skipped when missing).")
    var pythonClient = "bench/python/closed_loop.py"

    @Option(help: "Open-loop sync rate, requests per second.")
    var rate = 1_000

    @Option(name: .customLong("lone-repeats"), help: "How many lone jobs, each after one idle second.")
    var loneRepeats = 5

    @Option(name: .customLong("ceiling-requests"), help: "Requests per redis-benchmark test.")
    var ceilingRequests = 200_000

    @Option(help: "HTTP client of the submit phase: nio (the bench's own, cheapest) or ahc (AsyncHTTPClient, to compare).")
    var generator = "nio"

    @Flag(help: "Start Redis with the append-only file (appendfsync everysec).")
    var aof = false

    @Option(help: "Also run every scenario on a local Redis Cluster of this many primaries (≥ 3) and compare it with one server.")
    var cluster = 0

    @Option(help: "Partitions of the --cluster run (default 4 × the primaries).")
    var partitions: Int?

    @Option(help: "Target a running gateway (http://host:port) instead of starting one; needs --redis and --keys.")
    var gateway: String?

    @Option(help: "The running system's Redis URL (redis://… or unix:///…).")
    var redis: String?

    @Option(help: "The running system's key ring file, to sign as --client-id.")
    var keys: String?

    @Option(name: .customLong("client-id"), help: "The client to sign as.")
    var clientID = "bench"

    @Option(help: "Key prefix of the system under test.")
    var prefix = "mcp"

    @Option(help: "Folder holding mcp-gateway and mcp-worker (default: next to mcp-bench).")
    var bin: String?

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    /// Refuses what would trap (a non-finite --duration) or run nothing.
    func validate() throws {
        _ = try OptionRange.check(duration, "--duration", in: 0.1...3_600, unit: " seconds")
        for (value, name) in [(workers, "--workers"), (workerConcurrency, "--worker-concurrency"), (connections, "--connections"), (rate, "--rate")] {
            _ = try OptionRange.check(value, name, in: 1...1_000_000)
        }
    }

    func configuration() throws -> BenchConfiguration {
        var configuration = BenchConfiguration()
        configuration.scenarios = try Scenario.parseList(scenarios)
        configuration.workers = workers
        configuration.workerConcurrency = workerConcurrency
        configuration.connections = connections
        configuration.duration = OptionRange.duration(seconds: duration)
        configuration.e2eJobs = jobs
        configuration.syncRate = rate
        configuration.loneRepeats = loneRepeats
        configuration.closedClients = try closedClients.split(separator: ",").map { word throws(BenchError) in
            guard let count = Int(word.trimmingCharacters(in: .whitespaces)) else { throw BenchError("--closed-clients: \"\(word)\" is not a number") }
            return count
        }
        configuration.ingressJobs = ingressJobs
        configuration.python = python
        configuration.pythonClient = pythonClient
        configuration.ceilingRequests = ceilingRequests
        configuration.aof = aof
        guard generator == "nio" || generator == "ahc" else { throw ValidationError("--generator must be nio or ahc") }
        configuration.useAsyncHTTPClient = generator == "ahc"
        configuration.clusterPrimaries = cluster
        configuration.partitions = partitions
        configuration.gatewayURL = gateway
        configuration.redisURL = redis
        configuration.keysFile = keys
        configuration.clientID = clientID
        configuration.prefix = prefix
        if let bin { configuration.binaryFolder = URL(fileURLWithPath: bin) }
        configuration.jsonFile = json
        return configuration
    }
}
