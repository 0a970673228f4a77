import MCPWire

/// One JSON-RPC 2.0 request or notification, decoded strictly from the body.
struct JSONRPCRequest: Sendable {
    /// The id (string or number); `nil` for a notification.
    let id: JSONValue?
    let method: String
    let params: JSONObject

    /// Whether no answer is expected.
    var isNotification: Bool { id == nil }

    /// Decodes a body; arrays (batches) and malformed members are refused.
    static func decode(_ body: [UInt8]) throws(JSONRPCError) -> JSONRPCRequest {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .parse("\(error)")
        }
        if case .array = value {
            throw .invalidRequest("JSON-RPC batches are not supported; send one request per HTTP POST")
        }
        guard let object = value.objectValue else { throw .invalidRequest("the body must be a JSON-RPC request object") }
        guard object["jsonrpc"]?.stringValue == "2.0" else { throw .invalidRequest("\"jsonrpc\" must be \"2.0\"") }
        guard let method = object["method"]?.stringValue else { throw .invalidRequest("\"method\" must be a string") }
        var id: JSONValue?
        if let raw = object["id"] {
            switch raw {
            case .string, .integer: id = raw
            default: throw .invalidRequest("\"id\" must be a string or an integer")
            }
        }
        let params: JSONObject
        switch object["params"] {
        case nil: params = [:]
        case .object(let members)?: params = members
        default: throw .invalidRequest("\"params\" must be an object")
        }
        for key in object.keys where !["jsonrpc", "id", "method", "params"].contains(key) {
            throw .invalidRequest("unexpected member \"\(key)\"")
        }
        return JSONRPCRequest(id: id, method: method, params: params)
    }

    /// The request id of a body that may not decode, for error replies.
    static func bestEffortID(_ body: [UInt8]) -> JSONValue {
        guard let value = try? JSONParser.parse(body), let id = value.objectValue?["id"] else { return .null }
        switch id {
        case .string, .integer: return id
        default: return .null
        }
    }
}
