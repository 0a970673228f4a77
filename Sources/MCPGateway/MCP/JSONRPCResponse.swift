import MCPWire

/// A JSON-RPC 2.0 response body.
enum JSONRPCResponse {
    static func result(id: JSONValue, _ result: JSONObject) -> [UInt8] {
        CanonicalJSON.bytes(.object(["jsonrpc": "2.0", "id": id, "result": .object(result)]))
    }

    static func error(id: JSONValue, _ error: JSONRPCError) -> [UInt8] {
        CanonicalJSON.bytes(.object(["jsonrpc": "2.0", "id": id, "error": .object(error.json())]))
    }
}
