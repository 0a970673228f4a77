import MCPWire
import Synchronization

/// One authenticated JSON-RPC request with what the handler needs to answer it.
struct MCPCall: Sendable {
    let request: JSONRPCRequest
    let client: ClientEntry
    /// The value the replay guard spends (see ``MCPIdentity/nonce``).
    let nonce: String
    /// Whether `nonce` came from the request (signature, DPoP proof).
    let replayGuarded: Bool
    /// The tools an access token's scopes grant; `nil` when not scope-limited.
    let scopes: TokenScopes?
    let generation: MCPProtocol
    /// Set once the nonce has been spent (consumed, or taken by the accept script).
    let spent: NonceSpent

    var isModern: Bool { generation == .v2026_07_28 }

    /// The `request_id` of the job a `tools/call` creates: derived from the nonce (the one
    /// value of the request the gateway does not make up), so the job, its request record and
    /// the nonce all land in the partition of `H(client_id, request_id)` (DESIGN §10), and a
    /// replayed request meets its original there.
    var requestID: String { Self.requestID(nonce: nonce) }

    /// ``requestID`` for a nonce.
    static func requestID(nonce: String) -> String { "mcp-" + SHA256.hex(Array(nonce.utf8)).prefix(32) }

    /// Whether the client may call `tool` by the key ring and, for an access token, by its scopes.
    func mayList(_ tool: String) -> Bool {
        client.mayCall(tool) && (scopes?.covers(tool) ?? true)
    }

    /// Whether a 2026-07-28 client declared the Tasks extension on this request.
    var acceptsTasks: Bool {
        guard isModern, let meta = request.params["_meta"]?.objectValue,
              let capabilities = meta[MCPProtocol.capabilitiesMetaKey]?.objectValue,
              let extensions = capabilities["extensions"]?.objectValue else { return false }
        return extensions[MCPProtocol.tasksExtension] != nil
    }

    /// A result object, with `resultType: "complete"` added for 2026-07-28.
    func complete(_ result: JSONObject) -> JSONObject {
        guard isModern, result["resultType"] == nil else { return result }
        var result = result
        result["resultType"] = "complete"
        return result
    }

    /// `params.taskId`, required.
    func taskID() throws(JSONRPCError) -> String {
        guard let id = request.params["taskId"]?.stringValue else { throw .invalidParams("taskId must be a string") }
        return id
    }
}

/// Whether a request's nonce has been spent, shared by the steps that answer it.
final class NonceSpent: Sendable {
    private let flag = Mutex(false)

    /// Records that the nonce is spent.
    func mark() { flag.withLock { $0 = true } }

    /// Whether it is.
    var value: Bool { flag.withLock { $0 } }
}
