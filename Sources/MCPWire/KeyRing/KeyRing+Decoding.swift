/// Structural checks of the key ring file: members, types, clients.
extension KeyRing {
    /// Turns the parsed file into a key ring, reporting the first mistake.
    static func decode(_ root: JSONValue, resolver: SecretResolver) throws(KeyRingError) -> KeyRing {
        guard case .object(let top) = root else {
            throw KeyRingError(
                code: .wrongType, message: "the key ring must be a JSON object, got \(root.typeName)")
        }
        let reader = JSONObjectReader(top)
        let (serverID, serverSecretText, clientsObject) = try reading(client: nil) { () throws(WireDecodingError) in
            let serverID = try reader.string("server_id")
            let secret = try reader.string("server_secret")
            let clients = try reader.object("clients")
            try reader.finish()
            return (serverID, secret, clients)
        }
        let serverSecret = try resolver.resolve(serverSecretText, client: nil, member: "server_secret")
        guard !clientsObject.isEmpty else {
            throw KeyRingError(
                code: .noClients, member: "clients", message: "clients is empty: no client could call the gateway")
        }
        var clients: [String: ClientEntry] = [:]
        clients.reserveCapacity(clientsObject.count)
        for (id, value) in clientsObject.members {
            let entry = try decodeClient(id: id, value: value, resolver: resolver)
            if let existing = clients[id] {
                throw KeyRingError(
                    code: .duplicateClient, client: id, member: "clients.\(id)",
                    message: "client ids \(CanonicalJSON.string(.string(existing.id))) and "
                        + "\(CanonicalJSON.string(.string(id))) are Unicode-equivalent; use distinct ids")
            }
            clients[id] = entry
        }
        var apiKeyOwners: [String: String] = [:]
        for id in clientsObject.keys {
            guard let entry = clients[id] else { continue }
            for (index, digest) in entry.apiKeyDigests.enumerated() {
                let hex = Hex.encode(digest)
                if let owner = apiKeyOwners[hex] {
                    throw KeyRingError(
                        code: .duplicateAPIKey, client: id, member: "clients.\(id).api_keys[\(index)]",
                        message: "this API key digest is also listed for client \"\(owner)\": every key names one client")
                }
                apiKeyOwners[hex] = id
            }
        }
        return KeyRing(
            serverID: serverID, serverKey: HMACKey(secret: serverSecret),
            serverSecretFingerprint: String(SHA256.hex(serverSecret).prefix(16)), clients: clients, apiKeyOwners: apiKeyOwners)
    }

    /// Checks one `clients` member:
    /// `{ "secret": …, "tools": [...], "auth": [...], "api_keys": ["sha256:…"] }`.
    private static func decodeClient(
        id: String, value: JSONValue, resolver: SecretResolver
    ) throws(KeyRingError) -> ClientEntry {
        let path = "clients.\(id)"
        guard !id.isEmpty else {
            throw KeyRingError(
                code: .invalidClientID, client: id, member: path, message: "a client id must not be empty")
        }
        if let problem = ClientEntry.idProblem(id) {
            throw KeyRingError(code: .invalidClientID, client: id, member: path, message: "client id \(CanonicalJSON.string(.string(id))) \(problem)")
        }
        let (secretText, tools, authNames, apiKeyTexts) = try reading(client: id) { () throws(WireDecodingError) in
            let reader = try JSONObjectReader(json: value, path: path)
            let secret = try reader.optionalString("secret")
            var tools = ["*"]
            if reader.contains("tools") {
                let member = try reader.member("tools")
                tools = try member.array { element throws(WireDecodingError) in try element.string() }
                guard !tools.isEmpty else {
                    throw WireDecodingError(
                        code: .wrongType, member: member.path,
                        message: "member \"\(member.path)\" must be a non-empty array of strings (use [\"*\"] for all tools)")
                }
            }
            let auth = try reader.optionalMember("auth").map { member throws(WireDecodingError) in
                try member.array { element throws(WireDecodingError) in try element.string() }
            }
            let apiKeys = try reader.optionalMember("api_keys").map { member throws(WireDecodingError) in
                try member.array { element throws(WireDecodingError) in try element.string() }
            } ?? []
            try reader.finish()
            return (secret, tools, auth, apiKeys)
        }
        var digests: [[UInt8]] = []
        for (index, text) in apiKeyTexts.enumerated() {
            guard let digest = APIKey.parseStored(text) else {
                let hint = text.hasPrefix(APIKey.prefix) ? " (that is a token: store only its digest, as `mcpctl keygen --api-key` prints it)" : ""
                throw KeyRingError(
                    code: .invalidAPIKey, client: id, member: "\(path).api_keys[\(index)]",
                    message: "an API key must be stored as sha256:<64 hex digits> of the token\(hint)")
            }
            digests.append(digest)
        }
        let methods = try authMethods(authNames, id: id, path: path, hasSecret: secretText != nil, hasAPIKeys: !digests.isEmpty)
        let secret = try secretText.map { text throws(KeyRingError) in try resolver.resolve(text, client: id, member: "\(path).secret") } ?? []
        return ClientEntry(id: id, secret: secret, allowedTools: tools, methods: methods, apiKeyDigests: digests)
    }

    /// The client's `auth` list, checked against the credentials it has; by
    /// default the methods its credentials allow (`secret` → `signature`,
    /// `api_keys` → `api_key`). `oauth` is only ever listed explicitly.
    private static func authMethods(
        _ names: [String]?, id: String, path: String, hasSecret: Bool, hasAPIKeys: Bool
    ) throws(KeyRingError) -> [AuthMethod] {
        let member = "\(path).auth"
        guard let names else {
            guard hasSecret || hasAPIKeys else {
                throw KeyRingError(
                    code: .missingMember, client: id, member: "\(path).secret",
                    message: "client \"\(id)\" has no credentials: give it a secret, api_keys, or \"auth\": [\"oauth\"]")
            }
            return (hasSecret ? [.signature] : []) + (hasAPIKeys ? [.apiKey] : [])
        }
        guard !names.isEmpty else {
            throw KeyRingError(code: .invalidAuth, client: id, member: member, message: "auth must list at least one of \(AuthMethod.spellings)")
        }
        var methods: [AuthMethod] = []
        for name in names {
            guard let method = AuthMethod(rawValue: name) else {
                throw KeyRingError(
                    code: .invalidAuth, client: id, member: member,
                    message: "unknown auth method \(CanonicalJSON.string(.string(name))); use \(AuthMethod.spellings)")
            }
            if !methods.contains(method) { methods.append(method) }
        }
        if methods.contains(.signature), !hasSecret {
            throw KeyRingError(code: .invalidAuth, client: id, member: member, message: "auth lists \"signature\" but the client has no secret")
        }
        if methods.contains(.apiKey), !hasAPIKeys {
            throw KeyRingError(code: .invalidAuth, client: id, member: member, message: "auth lists \"api_key\" but the client has no api_keys")
        }
        if hasAPIKeys, !methods.contains(.apiKey) {
            throw KeyRingError(
                code: .invalidAuth, client: id, member: member,
                message: "the client has api_keys but auth does not list \"api_key\": add it, or remove the keys")
        }
        return methods
    }

    /// Runs structural reads, reporting failures as key ring errors for `client`.
    private static func reading<T>(
        client: String?, _ body: () throws(WireDecodingError) -> T
    ) throws(KeyRingError) -> T {
        do throws(WireDecodingError) {
            return try body()
        } catch {
            throw KeyRingError(error, client: client)
        }
    }

    /// Memberwise init used after decoding.
    init(
        serverID: String, serverKey: HMACKey, serverSecretFingerprint: String, clients: [String: ClientEntry],
        apiKeyOwners: [String: String]
    ) {
        self.serverID = serverID
        self.serverKey = serverKey
        self.serverSecretFingerprint = serverSecretFingerprint
        self.clients = clients
        self.apiKeyOwners = apiKeyOwners
    }
}
