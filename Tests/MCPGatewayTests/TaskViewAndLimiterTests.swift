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

    /// Task timestamps are RFC 3339 in UTC with milliseconds; any stored millisecond count renders.
    @Test func timestampsAreRFC3339WithMilliseconds() {
        #expect(MCPTaskView.iso8601(1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(MCPTaskView.iso8601(0) == "1970-01-01T00:00:00.000Z")
        #expect(MCPTaskView.iso8601(-1) == "1969-12-31T23:59:59.999Z")
        #expect(MCPTaskView.iso8601(951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(MCPTaskView.iso8601(Int64.max) == "9999-12-31T23:59:59.999Z")
        #expect(MCPTaskView.iso8601(Int64.min) == "0001-01-01T00:00:00.000Z")
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
