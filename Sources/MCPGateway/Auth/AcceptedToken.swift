/// What a verified access token says about its request.
struct AcceptedToken: Sendable {
    /// The value of the configured client claim.
    let clientName: String
    /// The tools its scopes grant.
    let scopes: TokenScopes
    /// `cnf.jkt`: the thumbprint of the key a DPoP proof must be signed with, when bound.
    let boundKeyThumbprint: String?
}
