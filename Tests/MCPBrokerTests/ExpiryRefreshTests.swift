@testable import MCPBroker
import Testing

@Suite("Stream TTL refreshes")
struct ExpiryRefreshTests {
    @Test func aStreamsTTLIsSetAgainOnlyAfterATenthOfIt() {
        let refresh = ExpiryRefresh()
        let start = ContinuousClock.now
        #expect(refresh.isDue("a", ttl: .seconds(300), now: start))
        #expect(!refresh.isDue("a", ttl: .seconds(300), now: start + .seconds(29)))
        #expect(refresh.isDue("b", ttl: .seconds(300), now: start + .seconds(29)))  // per stream
        #expect(refresh.isDue("a", ttl: .seconds(300), now: start + .seconds(30)))
        #expect(!refresh.isDue("a", ttl: .seconds(300), now: start + .seconds(31)))
    }

    @Test func itForgetsEverythingPastItsCapacity() {
        let refresh = ExpiryRefresh()
        let now = ContinuousClock.now
        for index in 0..<ExpiryRefresh.capacity { _ = refresh.isDue("s\(index)", ttl: .seconds(300), now: now) }
        #expect(!refresh.isDue("s0", ttl: .seconds(300), now: now))
        #expect(refresh.isDue("new", ttl: .seconds(300), now: now))  // full: starts over
        #expect(refresh.isDue("s0", ttl: .seconds(300), now: now))
    }
}
