/// One client in the key ring: its id, how it may authenticate, its key or
/// API key digests, and the tools it may call.
public struct ClientEntry: Sendable {
    /// The `client_id` envelopes carry.
    public let id: String
    /// The client's pre-keyed HMAC, for verifying its requests. A client
    /// without the `signature` method has a random key nobody knows, so a
    /// check that forgot to ask ``allows(_:)`` still verifies nothing.
    public let key: HMACKey
    /// The secret's bytes, for tools that sign as the client (`mcpctl sign`);
    /// empty when the client has no secret. Never log it.
    public let secret: [UInt8]
    /// Tool names the client may call; `["*"]` means all.
    public let allowedTools: [String]
    /// How the client may authenticate; signatures only unless the key ring says otherwise.
    public let methods: [AuthMethod]
    /// SHA-256 digests of the client's API keys (never the keys).
    public let apiKeyDigests: [[UInt8]]

    /// Creates an entry; `allowedTools` defaults to all tools, `methods` to
    /// signatures (with `secret`) plus API keys when digests are given.
    public init(
        id: String, secret: [UInt8], allowedTools: [String] = ["*"], methods: [AuthMethod]? = nil, apiKeyDigests: [[UInt8]] = []
    ) {
        self.id = id
        self.secret = secret
        self.key = HMACKey(secret: secret.isEmpty ? Array(Secret.random(bytes: 32).utf8) : secret)
        self.allowedTools = allowedTools
        self.methods = methods ?? ((secret.isEmpty ? [] : [.signature]) + (apiKeyDigests.isEmpty ? [] : [.apiKey]))
        self.apiKeyDigests = apiKeyDigests
    }

    /// The longest client id, in UTF-8 bytes: ids are part of Redis key names.
    public static let maxIDBytes = 128

    /// Why `id` cannot name a client, or `nil` when it can. Ids are part of
    /// Redis key names (`…:nonce:<client_id>:<nonce>`), so a `:` would let two
    /// clients (`a` and `a:b`) share keys; control characters would forge log lines.
    public static func idProblem(_ id: String) -> String? {
        if id.utf8.count > maxIDBytes { return "is longer than \(maxIDBytes) bytes" }
        if id.utf8.contains(UInt8(ascii: ":")) { return "must not contain \":\" (it separates the parts of Redis key names)" }
        if id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            return "must not contain control characters"
        }
        return nil
    }

    /// Whether the client may authenticate with `method`.
    public func allows(_ method: AuthMethod) -> Bool { methods.contains(method) }

    /// Whether the client may call `tool` (exact name, or `*`).
    public func mayCall(_ tool: String) -> Bool {
        allowedTools.contains { $0 == "*" || JSONObject.sameKey($0, tool) }
    }
}

extension ClientEntry: CustomStringConvertible {
    /// The id, methods and tools; secrets and digests are redacted so entries are safe to log.
    public var description: String {
        "ClientEntry(id: \(id), auth: \(methods.map(\.rawValue)), tools: \(allowedTools), secret: <redacted>)"
    }
}
