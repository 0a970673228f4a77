#if DEBUG || MCP_FUZZING
import Logging
@testable import MCPGateway
import MCPBroker
import MCPWire
import RedisClient

/// The gateway's own verifiers, built over ``FuzzFixtures``. They are internal
/// to `MCPGateway`, so this module imports it `@testable` (debug builds and
/// the fuzz build, which passes `-enable-testing`).
enum GatewayFixtures {
    /// A client that is never used: the verifier needs a catalog cache, and the
    /// targets only reach the catalog-free steps. Nothing connects until a command is sent.
    static let unusedRedis = RedisClient(configuration: RedisConfiguration(
        endpoint: RedisEndpoint(address: .unix(path: "/nonexistent/mcp-fuzz.sock"))))
    /// The envelope verifier with the gateway's default limits.
    static let verifier = EnvelopeVerifier(
        keyRing: FuzzFixtures.keyRing, bodyLimit: FuzzFixtures.bodyLimit, skewMillis: FuzzFixtures.skewMillis,
        catalog: ToolCatalogCache(broker: Broker(redis: unusedRedis), interval: .seconds(3600), logger: Logger(label: "mcp.fuzz")))
    /// The `/mcp` request authenticator.
    static let authenticator = MCPRequestAuthenticator(keyRing: FuzzFixtures.keyRing, skewSeconds: FuzzFixtures.skewMillis / 1000)
    /// Signs error answers like the gateway does.
    static let responseSigner = ResponseSigner(serverID: FuzzFixtures.serverID, key: FuzzFixtures.keyRing.serverKey)

    /// The gateway's signed answer must be strict JSON that decodes back to itself and verifies with the server key.
    static func checkAnswer(_ answer: GatewayAnswer, _ target: FuzzTarget) throws(FuzzFailure) {
        let wire = answer.response.wireBytes()
        guard let value = try? JSONParser.parse(wire), let decoded = try? Response(json: value) else {
            throw FuzzFailure(target, "the gateway's answer is not strict JSON of a response: \(String(decoding: wire.prefix(200), as: UTF8.self))")
        }
        guard decoded == answer.response, decoded.verify(with: FuzzFixtures.keyRing.serverKey) else {
            throw FuzzFailure(target, "the gateway's answer does not survive its wire bytes or does not verify")
        }
    }
}
#endif
