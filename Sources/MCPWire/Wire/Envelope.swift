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
        self.v = try Self.identifier(reader, "v")
        self.requestID = try Self.identifier(reader, "request_id")
        self.tsMs = try reader.integer("ts_ms")
        self.clientID = try Self.identifier(reader, "client_id")
        self.serverID = try Self.identifier(reader, "server_id")
        self.tool = try Self.identifier(reader, "tool")
        self.args = try reader.object("args")
        self.nonce = try Self.identifier(reader, "nonce")
        self.signature = try reader.string("signature")  // any text: a wrong one is bad_signature (vectors)
        try reader.finish()
    }

    /// The longest string member (`request_id`, `nonce`, ids, `tool`), in UTF-8
    /// bytes. These become Redis key names, replay records and log fields, so a
    /// client cannot make one request cost more than this in any of them.
    public static let maxIdentifierBytes = 128

    /// A non-empty string member of at most ``maxIdentifierBytes`` bytes without control
    /// characters (a newline in a `request_id` would forge a log line).
    private static func identifier(_ reader: JSONObjectReader, _ key: String) throws(WireDecodingError) -> String {
        let value = try reader.string(key)
        if value.isEmpty {
            // An empty request_id would be one idempotency record shared by every such request of a client.
            let path = reader.memberPath(key)
            throw WireDecodingError(code: .invalidValue, member: path, message: "member \"\(path)\" must not be empty")
        }
        if value.utf8.count > maxIdentifierBytes {
            let path = reader.memberPath(key)
            throw WireDecodingError(
                code: .invalidValue, member: path,
                message: "member \"\(path)\" is \(value.utf8.count) bytes long; at most \(maxIdentifierBytes) are allowed")
        }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            let path = reader.memberPath(key)
            throw WireDecodingError(
                code: .invalidValue, member: path, message: "member \"\(path)\" must not contain control characters")
        }
        return value
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
