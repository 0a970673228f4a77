@testable import MCPGateway
import MCPBroker
import MCPWire
import Testing

@Suite("Task views of poison job hashes, and the per-client rate limit")
struct TaskViewAndLimiterTests {
    /// Fault 2: a job hash whose `progress` is `nan` crashed the gateway on `tasks/get`.
    @Test(arguments: ["nan", "inf", "-inf", "1e400", "-5", "garbage"])
    func aRunningTaskWithPoisonProgressRenders(progress: String) throws {
        let record = try #require(JobRecord(id: "j1", fields: [
            "status": "running", "progress": progress, "created_ms": "9223372036854775807", "updated_ms": "-9223372036854775808",
        ]))
        let view = MCPTaskView(record: record, retentionMs: 1000)
        #expect(view.statusMessage.hasSuffix("%"))
        _ = CanonicalJSON.string(.object(view.task2025()))
    }

    @Test func theBucketAdmitsItsBurstThenRefusesWithARetryAfter() {
        let limiter = ClientRateLimiter(ratePerSecond: 2, burst: 3)
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(limiter.admit("a", now: start) == nil) }
        #expect(limiter.admit("a", now: start) == 1)
        #expect(limiter.admit("b", now: start) == nil)  // buckets are per client
        #expect(limiter.admit("a", now: start + .milliseconds(600)) == nil)  // 1.2 tokens refilled
        #expect(limiter.admit("a", now: start + .milliseconds(600)) != nil)
    }

    @Test func zeroOrAbsurdRatesDisableTheLimitWithoutTrapping() {
        for rate in [0.0, -1, .nan, .infinity] {
            let limiter = ClientRateLimiter(ratePerSecond: rate, burst: .nan)
            for _ in 0..<100 { #expect(limiter.admit("a") == nil) }
        }
        let tiny = ClientRateLimiter(ratePerSecond: 1e-300, burst: 1)
        #expect(tiny.admit("a") == nil)
        #expect(tiny.admit("a") == 60)  // Retry-After is capped
    }
}
