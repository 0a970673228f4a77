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
        return KeyRing(
            serverID: serverID, serverKey: HMACKey(secret: serverSecret),
            serverSecretFingerprint: String(SHA256.hex(serverSecret).prefix(16)), clients: clients)
    }

    /// Checks one `clients` member: `{ "secret": …, "tools": [...] }`.
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
        let (secretText, tools) = try reading(client: id) { () throws(WireDecodingError) in
            let reader = try JSONObjectReader(json: value, path: path)
            let secret = try reader.string("secret")
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
            try reader.finish()
            return (secret, tools)
        }
        let secret = try resolver.resolve(secretText, client: id, member: "\(path).secret")
        return ClientEntry(id: id, secret: secret, allowedTools: tools)
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
    init(serverID: String, serverKey: HMACKey, serverSecretFingerprint: String, clients: [String: ClientEntry]) {
        self.serverID = serverID
        self.serverKey = serverKey
        self.serverSecretFingerprint = serverSecretFingerprint
        self.clients = clients
    }
}
