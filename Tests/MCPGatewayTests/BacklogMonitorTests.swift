import Logging
@testable import MCPGateway
import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

/// The backlog monitor reads the job streams' backlog on a schedule of its own, never on a request's path.
@Suite("Backlog monitor")
struct BacklogMonitorTests {
    /// The backlog readings Redis has served so far (`XINFO GROUPS`, or `XLEN` before the group exists).
    private static func readings(_ redis: RedisClient) async throws -> Int {
        let stats = try await redis.send("INFO", "commandstats").string ?? ""
        return stats.split(whereSeparator: \.isNewline).reduce(0) { total, line in
            guard line.hasPrefix("cmdstat_xinfo|groups:") || line.hasPrefix("cmdstat_xlen:") else { return total }
            let calls = line.split(separator: ":").last?.split(separator: ",").first { $0.hasPrefix("calls=") }
            return total + (calls.flatMap { Int($0.dropFirst("calls=".count)) } ?? 0)
        }
    }

    /// After an idle spell, a submission is admitted on the last reading and the next reading
    /// comes one interval later (it used to come at once, beside the request's own round trip).
    @Test func theFirstSubmissionAfterIdleIsReadOneIntervalLater() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let broker = Broker(redis: redis, configuration: BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("backlog")))
            try await broker.ensureWorkerGroup()
            let interval = Duration.milliseconds(600)
            let monitor = BacklogMonitor(broker: broker, limit: 10, interval: interval, gaugeInterval: nil, logger: Logger(label: "test"))
            let running = Task { try await monitor.run() }
            defer { running.cancel() }
            #expect(await eventually { (try? await Self.readings(redis)) == 1 })  // the reading at start; then it sleeps

            let clock = ContinuousClock()
            let submitted = clock.now
            #expect(monitor.admitsSubmission())
            #expect(await eventually { (try? await Self.readings(redis)) == 2 })
            #expect(clock.now - submitted >= interval)

            // A backlog past the limit is seen at that reading, and refused from then on.
            for index in 0..<10 { _ = try await redis.send("XADD", broker.keys.stream(0), "*", "n", "\(index)") }
            #expect(monitor.admitsSubmission())
            #expect(await eventually { !monitor.admitsSubmission() })
            #expect(monitor.backlog == 10)
        }
    }
}
