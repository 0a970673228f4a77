import Logging
@testable import MCPGateway
import MCPBroker
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// An ingress control call whose first handling spent its nonce and then failed (Redis
/// answered 503 mid-way) is handled again from the gateway's pending entries: it must be
/// answered, not refused `replayed` (outside attack, 2026-11-30). A new entry with the
/// same envelope is still a replay.
@Suite("Control calls redelivered from ingress")
struct ControlRedeliveryTests {
    @Test func aRedeliveredControlCallIsAnsweredAndANewCopyIsAReplay() async throws {
        try await withRedis { server in
            let key: [UInt8] = Array("client-secret".utf8)
            let handler = try makeTestHandler(on: server, key: key, prefix: "redeliver")
            let envelope = Envelope(
                requestID: "r1", tsMs: JSONInteger(UnixTime.nowMillis()), clientID: "c1", serverID: "srv", tool: "poll_job",
                args: ["request_id": "no-such-request"], nonce: "n1"
            ).signed(with: HMACKey(secret: key))
            let body = envelope.wireBytes()

            let first = await handler.process(body, source: .ingress(results: nil))
            #expect(first.failure?.code == .unknownJob)  // answered; the nonce is spent
            let again = await handler.process(body, source: .ingress(results: nil), redelivery: true)
            #expect(again.failure?.code == .unknownJob, "\(String(describing: again.failure))")
            let copy = await handler.process(body, source: .ingress(results: nil))
            #expect(copy.failure?.code == .replayed)
        }
    }
}
