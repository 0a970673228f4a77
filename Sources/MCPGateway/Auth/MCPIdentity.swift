import MCPWire

/// Who sent an `/mcp` request, as its authentication established it.
struct MCPIdentity: Sendable {
    /// The client (from the key ring, or one an OAuth token names under the `scopes` policy).
    let client: ClientEntry
    /// How it authenticated.
    let method: AuthMethod
    /// The one-time value the replay guard spends: the signature's `nonce`, a
    /// DPoP proof's `jti`, or a fresh random value for a plain bearer token.
    let nonce: String
    /// Whether `nonce` came from the request, so a second use is a replay.
    /// False for plain bearer tokens: nothing in them is one-time, so nothing
    /// is spent for requests that create no job.
    let replayGuarded: Bool
    /// The tools an access token's scopes grant; `nil` when not scope-limited.
    let scopes: TokenScopes?
}
