import MCPWire

/// The fixed world every target runs in: the key ring of the signing vectors
/// (`Tests/MCPWireTests/Fixtures/vectors.json`), and a fixed clock at the
/// vectors' `ts_ms`, so the same input always ends the same way.
enum FuzzFixtures {
    /// The vectors' server id.
    static let serverID = "mcp-server-prod-001"
    /// `client-001` may call every tool, `client-002` only `batch_sum`, `клиент-001` every tool.
    static let keyRing = KeyRing(
        serverID: serverID, serverSecret: Array("server_secret".utf8),
        clients: [
            ClientEntry(id: "client-001", secret: Array("client_secret".utf8)),
            ClientEntry(id: "client-002", secret: Array("client_secret".utf8), allowedTools: ["batch_sum"]),
            ClientEntry(id: "клиент-001", secret: Array("client_secret".utf8)),
        ])
    /// The fallback signer when an input names an unknown client (its signature is made anyway).
    static let anyClientKey = HMACKey(secret: Array("client_secret".utf8))
    /// "Now" for freshness checks: the demo vector's `ts_ms`.
    static let nowMillis: Int64 = 1_766_383_443_222
    /// The same instant in seconds, for RFC 9421 `created`.
    static let nowSeconds: Int64 = nowMillis / 1000
    /// The skew window of the gateway's default configuration.
    static let skewMillis: Int64 = 300_000
    /// The gateway's default body limit.
    static let bodyLimit = 1 << 20
}
