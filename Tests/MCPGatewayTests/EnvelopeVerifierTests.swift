import Logging
@testable import MCPGateway
import MCPBroker
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// The verifier's checks on values a signed client chooses (hardening issue, fault 5).
@Suite("Envelope verification of hostile values")
struct EnvelopeVerifierTests {
    static let key: [UInt8] = Array("client-secret".utf8)

    static func verifier() throws -> EnvelopeVerifier {
        let keyRing = KeyRing(serverID: "srv", serverSecret: Array("server".utf8), clients: [ClientEntry(id: "c1", secret: key)])
        let broker = Broker(redis: RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:1")))
        return EnvelopeVerifier(
            keyRing: keyRing, bodyLimit: 1 << 20, skewMillis: 300_000,
            catalog: ToolCatalogCache(broker: broker, interval: .seconds(60), logger: Logger(label: "test")))
    }

    static func envelope(tsMs: JSONInteger) -> Envelope {
        Envelope(requestID: "r1", tsMs: tsMs, clientID: "c1", serverID: "srv", tool: "echo", nonce: "n1").signed(with: HMACKey(secret: key))
    }

    /// `ts_ms` = Int64.min + the gateway's clock made the offset exactly Int64.min, and `abs` trapped.
    @Test(arguments: [Int64.min, Int64.max, -1, 0])
    func extremeTimestampsAreStaleNotATrap(base: Int64) throws {
        let now: Int64 = 1_766_383_443_222
        let sent = base == Int64.min ? Int64.min + now : base
        let verifier = try Self.verifier()
        let failure = #expect(throws: GatewayFailure.self) { try verifier.authenticate(Self.envelope(tsMs: JSONInteger(sent)), nowMillis: now) }
        #expect(failure?.code == .staleRequest)
    }

    @Test func aHugeTimestampIsStale() throws {
        let huge = try #require(JSONInteger(decimal: "-" + String(repeating: "9", count: 400)))
        let verifier = try Self.verifier()
        #expect(throws: GatewayFailure.self) { try verifier.authenticate(Self.envelope(tsMs: huge), nowMillis: 0) }
    }

    @Test func aFreshTimestampIsAccepted() throws {
        let now: Int64 = 1_766_383_443_222
        #expect(try Self.verifier().authenticate(Self.envelope(tsMs: JSONInteger(now - 299_000)), nowMillis: now).id == "c1")
    }
}
