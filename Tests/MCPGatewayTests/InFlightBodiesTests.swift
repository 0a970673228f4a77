@testable import MCPGateway
import MCPBroker
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// Bodies are parsed before authentication, so the bytes verified at once are bounded (hardening issue, fault 11).
@Suite("Envelope bytes verified at once")
struct InFlightBodiesTests {
    @Test func theBudgetAdmitsWhatFitsAndTakesBackWhatIsReleased() {
        let budget = InFlightBodies(limit: 100, bodyLimit: 10)
        #expect(budget.acquire(60))
        #expect(!budget.acquire(41))
        #expect(budget.acquire(40))
        #expect(!budget.acquire(1))
        budget.release(60)
        #expect(budget.inFlight == 40)
        #expect(budget.acquire(60))
        #expect(!budget.acquire(Int.max))  // no overflow on absurd sizes
        budget.release(Int.max)
        #expect(budget.inFlight == 0)
        #expect(InFlightBodies(limit: 5, bodyLimit: 1000).limit == 1000)  // one body at the limit always fits alone
    }

    @Test func aBodyPastTheBudgetIsRefusedAtOnceAndChangesNothing() async throws {
        try await withRedis { server in
            let key: [UInt8] = Array("client-secret".utf8)
            let handler = try makeTestHandler(on: server, key: key, prefix: "inflight") { configuration in
                configuration.bodyLimit = 4096
                configuration.inFlightBodyLimit = 4096
            }
            let prefix = handler.broker.configuration.prefix
            let envelope = Envelope(
                requestID: "r1", tsMs: JSONInteger(UnixTime.nowMillis()), clientID: "c1", serverID: "srv", tool: "server_identity", nonce: "n1"
            ).signed(with: HMACKey(secret: key))
            let body = envelope.wireBytes()
            let redis = try server.client()
            let keysBefore = try await redis.send("KEYS", "\(prefix):*").array?.count

            // Other requests hold all but a few bytes: this one is refused before it is parsed.
            #expect(handler.inFlight.acquire(4096 - body.count + 1))
            let refused = await handler.process(body, source: .http)
            #expect(refused.failure?.code == .overloaded)
            #expect(refused.failure?.retryAfterSeconds == 1)
            #expect(try await redis.send("KEYS", "\(prefix):*").array?.count == keysBefore)

            // Once they finish, the same envelope goes through, and its bytes are returned afterwards.
            handler.inFlight.release(4096 - body.count + 1)
            let answered = await handler.process(body, source: .http)
            #expect(answered.failure == nil, "\(String(describing: answered.failure))")
            #expect(handler.inFlight.inFlight == 0)
        }
    }
}
