import Foundation
import MCPBroker
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// What a process's start-up checks found stays in its `/metrics` as
/// `mcp_redis_setup_problem{check}` (1 a problem, 0 none), so an alert sees what the
/// start-up log said once: an evicting Redis (gateway and worker) and a worker user that
/// may not expire request records (an ACL file from before this release).
@Suite("Start-up checks in /metrics", .serialized)
struct StartupCheckMetricsTests {
    static let metric = "mcp_redis_setup_problem"
    static let metricsArguments = ["--metrics-listen", "127.0.0.1:0"]

    @Test func anEvictingRedisIsAProblemInGatewayAndWorkerMetricsUntilAProcessStartsOnANoevictionOne() async throws {
        try await withDeployment(workerArguments: Self.metricsArguments, redisArguments: ["--maxmemory-policy", "allkeys-lru"]) { system in
            let worker = try await PrometheusText.scrape(try await MetricsTests.metricsURL(of: system.workers[0])) {
                $0.value(Self.metric, ["check": "eviction"]) != nil && $0.value(Self.metric, ["check": "record_expiry"]) != nil
            }
            #expect(worker.value(Self.metric, ["check": "eviction"]) == 1)
            #expect(worker.value(Self.metric, ["check": "record_expiry"]) == 0)
            let gateway = try await PrometheusText.scrape(system.url + "/metrics") { $0.value(Self.metric, ["check": "eviction"]) != nil }
            #expect(gateway.value(Self.metric, ["check": "eviction"]) == 1)
            #expect(gateway.value(Self.metric, ["check": "record_expiry"]) == nil, "the gateway ends no job: it sets no record's expiry")

            _ = try await system.inspector().send("CONFIG", "SET", "maxmemory-policy", "noeviction")
            let second = try await system.startWorker(extraArguments: Self.metricsArguments)
            let fixed = try await PrometheusText.scrape(try await MetricsTests.metricsURL(of: second)) {
                $0.value(Self.metric, ["check": "eviction"]) != nil
            }
            #expect(fixed.value(Self.metric, ["check": "eviction"]) == 0)
        }
    }

    @Test func aWorkerUserThatMayNotExpireRequestRecordsIsAProblemInItsMetricsAndItStillServes() async throws {
        try await withDeployment { system in
            let admin = try system.inspector()
            // The worker line of deploy/redis/users.acl (ACLRole, kept equal to it by a test) without its
            // request-record selector: an ACL file from before.
            let rules = ACLRole.worker.arguments.filter { !$0.contains(":req:") }
            #expect(rules.count > 10)
            let old = try await admin.send(RedisCommand("ACL", ["SETUSER", "old-worker", "on", ">old-worker-password"] + rules))
            #expect(old.string == "OK", "\(old)")
            let url = try #require(system.redis.socketPath.map { "unix://\($0)?user=old-worker&password=old-worker-password" })
            let worker = try await system.startWorker(extraArguments: ["--redis", url] + Self.metricsArguments)
            let metrics = try await PrometheusText.scrape(try await MetricsTests.metricsURL(of: worker)) {
                $0.value(Self.metric, ["check": "record_expiry"]) != nil
            }
            #expect(metrics.value(Self.metric, ["check": "record_expiry"]) == 1)
            #expect(metrics.value(Self.metric, ["check": "eviction"]) == nil, "a named user does not run INFO")
            #expect(worker.log.contains("may not PEXPIRE request records"), "\(worker.log)")
            // It serves all the same: the two workers' blocking reads take turns, so of ten calls it runs some.
            let client = system.client()
            for _ in 0..<10 {
                let reply = try await client.call("batch_sum", args: ["numbers": [1, 2]])
                #expect(reply.httpStatus == 200, "\(reply.response)")
            }
            let served = try await PrometheusText.scrape(try await MetricsTests.metricsURL(of: worker)) {
                ($0.value("mcp_jobs_total", ["status": "done", "tool": "batch_sum"]) ?? 0) >= 1
            }
            #expect((served.value("mcp_jobs_total", ["status": "done", "tool": "batch_sum"]) ?? 0) >= 1)
        }
    }
}
