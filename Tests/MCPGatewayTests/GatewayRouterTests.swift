import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MCPBroker
import MCPClient
@testable import MCPGateway
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// The gateway's HTTP surface through Hummingbird's test client, against a throwaway Redis:
/// the router (and the gateway's own services) without a worker or a process of its own.
@Suite("Gateway router")
struct GatewayRouterTests {
    static let clientSecret: [UInt8] = Array("router-client-secret".utf8)
    static let serverSecret: [UInt8] = Array("router-server-secret".utf8)

    static func configuration(_ server: RedisTestServer) throws -> GatewayConfiguration {
        let keyRing = KeyRing(serverID: "srv", serverSecret: serverSecret, clients: [ClientEntry(id: "c1", secret: clientSecret)])
        return GatewayConfiguration(
            keyRing: keyRing, redis: try BrokerConnection(url: server.url), port: 0,
            broker: BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("router")))
    }

    static func envelope(tool: String, nonce: String = UUID().uuidString) -> [UInt8] {
        Envelope(
            requestID: UUID().uuidString.lowercased(), tsMs: JSONInteger(UnixTime.nowMillis()), clientID: "c1", serverID: "srv", tool: tool,
            nonce: nonce
        ).signed(with: HMACKey(secret: clientSecret)).wireBytes()
    }

    static func keys(_ server: RedisTestServer, _ configuration: GatewayConfiguration) async throws -> [String] {
        let redis = try server.client()
        return (try await redis.send("KEYS", "\(configuration.broker.prefix):*").array ?? []).compactMap(\.string).sorted()
    }

    @Test func healthAndReadinessWithoutWorkers() async throws {
        try await withRedis { server in
            try await Broker.prepareFunctions(connection: try BrokerConnection(url: server.url), logger: Logger(label: "test"))
            let app = Gateway.makeApplication(configuration: try Self.configuration(server), logger: Logger(label: "test"))
            try await app.test(.router) { client in
                try await client.execute(uri: "/healthz", method: .get) { response in
                    #expect(response.status == .ok)
                }
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable, "no worker has written a heartbeat")
                    #expect(!String(buffer: response.body).contains(server.url), "readiness never shows the Redis address")
                }
                try await client.execute(uri: "/mcp", method: .get) { response in
                    #expect(response.status == .methodNotAllowed)
                }
                // Every known path asked with a method it does not take: 405 naming the one it takes.
                for (uri, method, allow) in [
                    ("/v1/envelopes", HTTPRequest.Method.get, "POST"), ("/v1/envelopes", .put, "POST"), ("/v1/envelopes", .delete, "POST"),
                    ("/v1/tools", .post, "GET"), ("/healthz", .delete, "GET"), ("/readyz", .post, "GET"), ("/mcp", .put, "POST"), ("/mcp", .patch, "POST"),
                    ("/mcp", .options, "POST"), ("/v1/envelopes", .trace, "POST"), ("/healthz", .options, "GET"),
                    ("/.well-known/oauth-protected-resource", .post, "GET"), ("/.well-known/oauth-protected-resource/mcp", .delete, "GET"),
                ] {
                    try await client.execute(uri: uri, method: method) { response in
                        #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                        #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                        #expect(uri == "/mcp" || String(buffer: response.body).contains("method_not_allowed"))
                    }
                }
                for uri in ["/healthz", "/readyz", "/v1/tools"] {  // HEAD: the GET's status, no body
                    try await client.execute(uri: uri, method: .head) { response in
                        #expect(response.status == (uri == "/readyz" ? .serviceUnavailable : .ok), "HEAD \(uri)")
                        #expect(response.body.readableBytes == 0, "HEAD \(uri)")
                    }
                }
                try await client.execute(uri: "/v1/nothing", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }

    @Test func aSignedEnvelopeIsAnsweredAndAForgedOneChangesNothing() async throws {
        try await withRedis { server in
            try await Broker.prepareFunctions(connection: try BrokerConnection(url: server.url), logger: Logger(label: "test"))
            let configuration = try Self.configuration(server)
            let app = Gateway.makeApplication(configuration: configuration, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                let body = Self.envelope(tool: "server_identity")
                try await client.execute(uri: "/v1/envelopes", method: .post, body: ByteBuffer(bytes: body)) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    let reply = try #require(try JSONParser.parse(Array(response.body.readableBytesView)).objectValue)
                    #expect(reply["status"] == "ok")
                    #expect(reply["result"]?.objectValue?["server_id"] == "srv")
                    let signed = try MCPWire.Response(json: .object(reply))
                    #expect(signed.verify(with: HMACKey(secret: Self.serverSecret)), "the answer is signed with the server secret")
                }
                let before = try await Self.keys(server, configuration)
                var forged = Self.envelope(tool: "server_identity")
                if let index = forged.lastIndex(of: UInt8(ascii: "0")) { forged[index] = UInt8(ascii: "1") } else { forged.append(0x20) }
                try await client.execute(uri: "/v1/envelopes", method: .post, body: ByteBuffer(bytes: forged)) { response in
                    #expect(response.status == .unauthorized || response.status == .badRequest, "\(String(buffer: response.body))")
                }
                try await client.execute(uri: "/v1/envelopes", method: .post, body: ByteBuffer(bytes: Array(repeating: UInt8(ascii: "["), count: 2 << 20))) { response in
                    #expect(response.status == .contentTooLarge)
                }
                #expect(try await Self.keys(server, configuration) == before)
            }
        }
    }
}
