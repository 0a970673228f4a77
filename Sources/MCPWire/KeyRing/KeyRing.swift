import Foundation

/// The gateway's keys: its own server id and secret, and every client's
/// secret and allowed tools (DESIGN §7).
///
/// File format (JSON, strict):
/// ```json
/// {
///   "server_id": "mcp-server-001",
///   "server_secret": "file:/run/secrets/server",
///   "clients": {
///     "client-001": { "secret": "env:CLIENT_001_SECRET", "tools": ["*"] },
///     "billing":    { "secret": "hex:8f3a…", "tools": ["batch_sum"] },
///     "agent":      { "api_keys": ["sha256:5e88…"], "tools": ["batch_sum"] },
///     "ide":        { "auth": ["oauth"], "tools": ["*"] }
///   }
/// }
/// ```
/// `auth` lists how a client may authenticate (``AuthMethod``): by default
/// `signature` when it has a `secret` and `api_key` when it has `api_keys`
/// (SHA-256 digests of its bearer tokens, `sha256:<hex>`, never the tokens);
/// `oauth` is only ever listed explicitly.
/// A secret is `hex:…`, `base64:…`, `env:NAME`, `file:PATH` (relative to the
/// key ring's folder; one trailing newline stripped), `raw:…` (literal text,
/// for secrets containing a colon), or else the UTF-8 bytes of the string.
/// A string starting like `vault:` that is none of these is rejected, so a
/// typo never silently becomes a literal key. `tools` is optional (all tools).
public struct KeyRing: Sendable {
    /// This deployment's `server_id`.
    public let serverID: String
    /// The server's pre-keyed HMAC, for signing responses.
    public let serverKey: HMACKey
    /// First 16 hex digits of SHA-256(server secret): identifies the key in
    /// `server_identity` answers and logs without revealing it.
    public let serverSecretFingerprint: String
    /// Clients by id. Look up with `client(_:)`, which also compares bytes.
    public let clients: [String: ClientEntry]
    /// Which client owns each API key: hex SHA-256 digest → client id.
    let apiKeyOwners: [String: String]

    /// Builds a key ring in code (tests, tools). Client ids must be distinct;
    /// an API key digest listed twice names its first client.
    public init(serverID: String, serverSecret: [UInt8], clients: [ClientEntry]) {
        self.serverID = serverID
        self.serverKey = HMACKey(secret: serverSecret)
        self.serverSecretFingerprint = String(SHA256.hex(serverSecret).prefix(16))
        self.clients = Dictionary(clients.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var owners: [String: String] = [:]
        for client in clients {
            for digest in client.apiKeyDigests where owners[Hex.encode(digest)] == nil { owners[Hex.encode(digest)] = client.id }
        }
        self.apiKeyOwners = owners
    }

    /// The client an API key (the bearer token itself) belongs to, or `nil`.
    /// Looked up by the token's SHA-256 digest (a preimage-resistant index:
    /// timing tells nothing about the token), then the digests are compared in
    /// constant time.
    public func client(forAPIKey token: String) -> ClientEntry? {
        guard token.utf8.count <= APIKey.maxTokenBytes else { return nil }
        let digest = APIKey.digest(of: token)
        guard let owner = apiKeyOwners[Hex.encode(digest)], let entry = clients[owner],
              entry.apiKeyDigests.contains(where: { SignatureCheck.constantTimeEqual($0, digest) }) else { return nil }
        return entry
    }

    /// The client whose id has exactly these UTF-8 bytes. A Swift dictionary
    /// would also return the entry for a Unicode-equivalent spelling (NFC vs
    /// NFD); an envelope's `client_id` must match byte for byte.
    public func client(_ id: String) -> ClientEntry? {
        guard let entry = clients[id], JSONObject.sameKey(entry.id, id) else { return nil }
        return entry
    }

    /// Reads and checks the key ring file at `path`. Relative `file:` secrets
    /// resolve against the file's folder; `env:` secrets read `environment`.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KeyRingError) -> KeyRing {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KeyRingError(
                code: .unreadableFile, message: "cannot read the key ring file \(path): \(error.localizedDescription)",
                file: path)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do throws(KeyRingError) {
            return try parse(bytes: Array(data), environment: environment, baseDirectory: folder)
        } catch {
            throw error.inFile(path)
        }
    }

    /// Checks key ring JSON already in memory. `baseDirectory` anchors
    /// relative `file:` paths (the current directory when `nil`).
    public static func parse(
        bytes: [UInt8], environment: [String: String] = ProcessInfo.processInfo.environment,
        baseDirectory: String? = nil
    ) throws(KeyRingError) -> KeyRing {
        let root: JSONValue
        do throws(JSONParseError) {
            root = try JSONParser.parse(bytes)
        } catch {
            if error.code == .duplicateKey, let client = duplicateClient(in: bytes) {
                throw KeyRingError(
                    code: .duplicateClient, client: client, member: "clients.\(client)",
                    message: "client \"\(client)\" appears more than once in clients")
            }
            throw KeyRingError(code: .malformed, message: "not valid JSON: \(error.message)", parseError: error)
        }
        let resolver = SecretResolver(environment: environment, baseDirectory: baseDirectory)
        return try decode(root, resolver: resolver)
    }

    /// Finds a client id repeated (byte for byte) in `clients`, re-parsing
    /// with duplicates kept. `nil` when the duplicate is elsewhere.
    private static func duplicateClient(in bytes: [UInt8]) -> String? {
        guard let root = try? JSONParser.parse(bytes, maxDepth: 64, keepDuplicateKeys: true),
              case .object(let top) = root,
              case .object(let clients)? = top["clients"]
        else { return nil }
        var seen = DuplicateKeyIndex()
        var earlier: [(key: String, value: JSONValue)] = []
        for member in clients.members {
            if !seen.insert(member.key, members: earlier) { return member.key }
            earlier.append(member)
        }
        return nil
    }
}

extension KeyRing: CustomStringConvertible {
    /// Server id, fingerprint and client ids; never a secret.
    public var description: String {
        "KeyRing(server: \(serverID), fingerprint: \(serverSecretFingerprint), clients: \(clients.keys.sorted()))"
    }
}
