import Foundation
import RedisClient
import RedisTestSupport

/// Runs `redis-benchmark` against the system's Redis and reads its rate.
struct RedisBenchmark: Sendable {
    let endpoint: RedisEndpoint
    let clients: Int
    let requests: Int

    /// The connection arguments for `redis-benchmark`.
    var connectionArguments: [String] {
        var arguments: [String]
        switch endpoint.address {
        case .unix(let path): arguments = ["-s", path]
        case .tcp(let host, let port): arguments = ["-h", host, "-p", String(port)]
        }
        if let password = endpoint.password { arguments += ["-a", password] }
        if let user = endpoint.user { arguments += ["--user", user] }
        if endpoint.database != 0 { arguments += ["--dbnum", String(endpoint.database)] }
        return arguments
    }

    /// Runs one custom command (with `__rand_int__` placeholders) and returns requests per second and the command line shown in the report.
    func run(_ command: [String]) async throws -> (perSecond: Double, commandLine: String) {
        guard let binary = RedisTestServer.locate("redis-benchmark") else {
            throw BenchError("redis-benchmark is not installed (apt-get install redis-tools)")
        }
        let arguments = connectionArguments + ["-c", String(clients), "-n", String(requests), "-r", "100000000", "--csv"] + command
        let output = try await RedisTestServer.run(binary, arguments, timeout: .seconds(600))
        guard let rate = Self.parseRate(output) else {
            throw BenchError("redis-benchmark printed no rate:\n\(output.suffix(800))")
        }
        let shown = ["redis-benchmark", "-c", String(clients), "-n", String(requests), "-r", "100000000"] + command.map { $0.count > 40 ? "…" : $0 }
        return (rate, shown.joined(separator: " "))
    }

    /// The `rps` column of `redis-benchmark --csv` output (the last data line). The test name may itself
    /// contain commas (a JSON argument), so columns are counted from the right, using the header's width.
    static func parseRate(_ csv: String) -> Double? {
        var columns: Int?
        var rate: Double?
        for line in csv.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if fields.first == "test" {
                columns = fields.firstIndex(of: "rps").map { fields.count - $0 }
                continue
            }
            guard let fromRight = columns, fields.count >= fromRight, let value = Double(fields[fields.count - fromRight]) else { continue }
            rate = value
        }
        return rate
    }
}
