/// One client in the key ring: its id, key and the tools it may call.
public struct ClientEntry: Sendable {
    /// The `client_id` envelopes carry.
    public let id: String
    /// The client's pre-keyed HMAC, for verifying its requests.
    public let key: HMACKey
    /// The secret's bytes, for tools that sign as the client (`mcpctl sign`).
    /// Never log it.
    public let secret: [UInt8]
    /// Tool names the client may call; `["*"]` means all.
    public let allowedTools: [String]

    /// Creates an entry; `allowedTools` defaults to all tools.
    public init(id: String, secret: [UInt8], allowedTools: [String] = ["*"]) {
        self.id = id
        self.key = HMACKey(secret: secret)
        self.secret = secret
        self.allowedTools = allowedTools
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

    /// Whether the client may call `tool` (exact name, or `*`).
    public func mayCall(_ tool: String) -> Bool {
        allowedTools.contains { $0 == "*" || JSONObject.sameKey($0, tool) }
    }
}

extension ClientEntry: CustomStringConvertible {
    /// The id and tools; the secret is redacted so entries are safe to log.
    public var description: String {
        "ClientEntry(id: \(id), tools: \(allowedTools), secret: <redacted>)"
    }
}
