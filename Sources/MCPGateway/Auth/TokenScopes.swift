/// The tools an access token's scopes grant: `mcp:tools` all of them,
/// `mcp:tool:<name>` one; other scopes grant none.
struct TokenScopes: Sendable, Equatable {
    /// Whether `mcp:tools` was granted.
    let all: Bool
    /// Tools granted one by one.
    let tools: Set<String>

    /// Reads space-separated scopes (the `scope` claim, RFC 9068) or a list (`scp`).
    init(_ scopes: [String]) {
        var all = false
        var tools: Set<String> = []
        for scope in scopes {
            if scope == OAuthConfiguration.allToolsScope {
                all = true
            } else if scope.hasPrefix(OAuthConfiguration.toolScopePrefix) {
                let name = scope.dropFirst(OAuthConfiguration.toolScopePrefix.count)
                if !name.isEmpty { tools.insert(String(name)) }
            }
        }
        self.all = all
        self.tools = tools
    }

    /// Whether the scopes cover calling `tool`.
    func covers(_ tool: String) -> Bool { all || tools.contains(tool) }

    /// The scope a request for `tool` needs.
    static func scope(for tool: String) -> String { OAuthConfiguration.toolScopePrefix + tool }
}
