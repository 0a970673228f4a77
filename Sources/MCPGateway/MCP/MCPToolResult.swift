import MCPWire

/// `CallToolResult` bodies: the tool's result object as `structuredContent`
/// plus a text block, or a tool error (`isError: true`) naming what went wrong.
enum MCPToolResult {
    static func success(_ result: JSONObject, modern: Bool) -> JSONObject {
        var object: JSONObject = [
            "content": [["type": "text", "text": .string(CanonicalJSON.string(.object(result)))]],
            "structuredContent": .object(result),
            "isError": false,
        ]
        if modern { object["resultType"] = "complete" }
        return object
    }

    static func failure(_ message: String, modern: Bool) -> JSONObject {
        var object: JSONObject = ["content": [["type": "text", "text": .string(message)]], "isError": true]
        if modern { object["resultType"] = "complete" }
        return object
    }
}
