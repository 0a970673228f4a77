import Foundation
import MCPWire
import Testing

/// A fresh temporary folder for one test.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mcpwire-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("KeyRing loading")
struct KeyRingTests {
    @Test func loadsEverySecretForm() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("server_secret\n".utf8).write(to: folder.appendingPathComponent("server.secret"))
        let absolute = folder.appendingPathComponent("abs.secret")
        try Data("abs-secret\r\n".utf8).write(to: absolute)
        let keys = """
            {
              "server_id": "mcp-server-001",
              "server_secret": "file:server.secret",
              "clients": {
                "client-001": { "secret": "env:CLIENT_001_SECRET", "tools": ["*"] },
                "billing":    { "secret": "hex:636C69656e745f736563726574", "tools": ["batch_sum", "echo"] },
                "b64":        { "secret": "base64:Y2xpZW50X3NlY3JldA==" },
                "colon":      { "secret": "raw:vault:not-a-scheme" },
                "plain":      { "secret": "client_secret" },
                "absolute":   { "secret": "file:\(absolute.path)" },
                "unicode":    { "secret": "clé-secrète-🔑" }
              }
            }
            """
        let path = folder.appendingPathComponent("keys.json").path
        try Data(keys.utf8).write(to: URL(fileURLWithPath: path))
        let ring = try KeyRing.load(path: path, environment: ["CLIENT_001_SECRET": "from-env"])

        #expect(ring.serverID == "mcp-server-001")
        #expect(ring.serverSecretFingerprint == "770c1266692ab740")  // sha256("server_secret")[..16]
        #expect(ring.serverKey.mac([1, 2, 3]) == HMACKey(secret: "server_secret").mac([1, 2, 3]))
        #expect(ring.clients.count == 7)
        #expect(ring.client("client-001")?.secret == Array("from-env".utf8))
        #expect(ring.client("billing")?.secret == Array("client_secret".utf8))
        #expect(ring.client("b64")?.secret == Array("client_secret".utf8))
        #expect(ring.client("colon")?.secret == Array("vault:not-a-scheme".utf8))
        #expect(ring.client("plain")?.secret == Array("client_secret".utf8))
        #expect(ring.client("absolute")?.secret == Array("abs-secret".utf8))
        #expect(ring.client("unicode")?.secret == Array("clé-secrète-🔑".utf8))
        #expect(ring.client("billing")?.key.mac([9]) == HMACKey(secret: "client_secret").mac([9]))
        #expect(ring.client("billing")?.allowedTools == ["batch_sum", "echo"])
        #expect(ring.client("b64")?.allowedTools == ["*"])
        #expect(ring.client("billing")?.mayCall("batch_sum") == true)
        #expect(ring.client("billing")?.mayCall("start_long_task") == false)
        #expect(ring.client("client-001")?.mayCall("anything") == true)
        #expect(ring.client("nobody") == nil)
    }

    @Test func clientLookupIsByteExact() throws {
        let keys = #"{"server_id":"s","server_secret":"x","clients":{"caf\u00e9":{"secret":"k"}}}"#
        let ring = try KeyRing.parse(bytes: Array(keys.utf8), environment: [:])
        #expect(ring.client("caf\u{E9}") != nil)
        #expect(ring.client("cafe\u{301}") == nil)
    }

    @Test func descriptionsNeverShowSecrets() throws {
        let keys = #"{"server_id":"s","server_secret":"topsecret1","clients":{"c":{"secret":"topsecret2"}}}"#
        let ring = try KeyRing.parse(bytes: Array(keys.utf8), environment: [:])
        let text = "\(ring) \(ring.clients["c"].map { "\($0)" } ?? "")"
        #expect(!text.contains("topsecret"))
        #expect(text.contains("<redacted>"))
    }

    @Test func inMemoryKeyRing() {
        let ring = KeyRing(
            serverID: "s", serverSecret: Array("server_secret".utf8),
            clients: [ClientEntry(id: "c", secret: [1, 2, 3], allowedTools: ["echo"])])
        #expect(ring.serverSecretFingerprint == "770c1266692ab740")
        #expect(ring.client("c")?.mayCall("echo") == true)
        #expect(ring.client("c")?.mayCall("batch_sum") == false)
    }
}
