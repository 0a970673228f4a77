import MCPWire

/// OAuth 2.0 Protected Resource Metadata (RFC 9728) for `/mcp`: what an MCP
/// client reads to find the authorization server and the scopes to ask for.
enum ProtectedResourceMetadata {
    /// The well-known path; `/mcp`'s own document is at this path followed by `/mcp`.
    static let path = "/.well-known/oauth-protected-resource"

    /// The document: `resource`, `authorization_servers` (when OAuth is on),
    /// `scopes_supported` (`mcp:tools` and `mcp:tool:<name>` for every tool),
    /// `bearer_methods_supported` (`header`) and the DPoP proof algorithms.
    static func document(resource: String, issuer: String?, tools: [String]) -> [UInt8] {
        var members: [(String, JSONValue)] = [("resource", .string(resource))]
        if let issuer { members.append(("authorization_servers", .array([.string(issuer)]))) }
        let scopes = [OAuthConfiguration.allToolsScope] + tools.sorted().map { TokenScopes.scope(for: $0) }
        members.append(("scopes_supported", .array(scopes.map { .string($0) })))
        members.append(("bearer_methods_supported", .array([.string("header")])))
        members.append(("dpop_signing_alg_values_supported", .array(SigningKeySet.allowedAlgorithms.sorted().map { .string($0) })))
        members.append(("resource_name", .string("MCPStreams")))
        return CanonicalJSON.bytes(.object(JSONObject(members)))
    }
}
