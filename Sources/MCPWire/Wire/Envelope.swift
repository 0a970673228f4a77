/// An mcp/0.1 request envelope, decoded strictly from the wire.
///
/// All nine members are required and no others are allowed (the original
/// design's pydantic model uses `extra="forbid"`). The value is immutable:
/// what was verified is what gets published.
public struct Envelope: Sendable, Equatable {
    /// The protocol version this module speaks, `"mcp/0.1"`.
    public static let version = "mcp/0.1"

    /// `v`: the protocol version. Not checked here; the gateway answers
    /// `unsupported_version` for values it does not speak.
    public let v: String
    /// `request_id`: the client's id for this call (idempotency key).
    public let requestID: String
    /// `ts_ms`: Unix time in milliseconds, an exact JSON integer.
    public let tsMs: JSONInteger
    /// `client_id`: selects the client's key in the key ring.
    public let clientID: String
    /// `server_id`: the deployment the client means to call.
    public let serverID: String
    /// `tool`: the tool to run.
    public let tool: String
    /// `args`: the tool's arguments (any JSON inside).
    public let args: JSONObject
    /// `nonce`: single-use value for replay protection.
    public let nonce: String
    /// `signature`: lower-case hex HMAC-SHA256 of `signingBytes()`.
    public let signature: String

    /// Builds an envelope in code (clients, tests); sign it with `signed(with:)`.
    public init(
        v: String = Envelope.version, requestID: String, tsMs: JSONInteger, clientID: String,
        serverID: String, tool: String, args: JSONObject = JSONObject(), nonce: String, signature: String = ""
    ) {
        self.v = v
        self.requestID = requestID
        self.tsMs = tsMs
        self.clientID = clientID
        self.serverID = serverID
        self.tool = tool
        self.args = args
        self.nonce = nonce
        self.signature = signature
    }

    /// Decodes a parsed envelope: the value must be an object with exactly the
    /// nine members, each of its JSON type (strings, `ts_ms` an integer
    /// literal, `args` an object). Neither `v`'s value nor the signature's
    /// format is checked here.
    public init(json: JSONValue) throws(WireDecodingError) {
        let reader = try JSONObjectReader(json: json)
        self.v = try reader.string("v")
        self.requestID = try reader.string("request_id")
        self.tsMs = try reader.integer("ts_ms")
        self.clientID = try reader.string("client_id")
        self.serverID = try reader.string("server_id")
        self.tool = try reader.string("tool")
        self.args = try reader.object("args")
        self.nonce = try reader.string("nonce")
        self.signature = try reader.string("signature")
        try reader.finish()
    }

    /// The envelope as a JSON object, members in the original design's order.
    public func json() -> JSONValue {
        .object(JSONObject(uncheckedMembers: [
            (key: "v", value: .string(v)),
            (key: "request_id", value: .string(requestID)),
            (key: "ts_ms", value: .integer(tsMs)),
            (key: "client_id", value: .string(clientID)),
            (key: "server_id", value: .string(serverID)),
            (key: "tool", value: .string(tool)),
            (key: "args", value: .object(args)),
            (key: "nonce", value: .string(nonce)),
            (key: "signature", value: .string(signature)),
        ]))
    }

    /// The envelope's wire bytes (canonical form, `signature` included), for
    /// sending or for publishing the verified envelope.
    public func wireBytes() -> [UInt8] {
        CanonicalJSON.bytes(json())
    }
}
