/// The covered components and parameters of one RFC 9421 signature
/// (`sig1=("@method" "@target-uri" "content-digest");created=…;keyid="…";alg="hmac-sha256";nonce="…"`).
public struct HTTPSignatureParameters: Sendable, Equatable {
    /// Covered component identifiers in order, e.g. `@method`, `@target-uri`, `content-digest`.
    public var components: [String]
    /// Creation time, Unix seconds.
    public var created: Int64?
    /// Expiry time, Unix seconds.
    public var expires: Int64?
    /// The key id: a client id for requests, the server id for responses.
    public var keyID: String?
    /// The algorithm; only `hmac-sha256` is accepted.
    public var algorithm: String?
    /// A single-use value for the replay guard.
    public var nonce: String?
    /// Parameters in the order they were given, for re-serialising exactly.
    public var order: [String]

    /// Creates parameters; serialised in the order created, keyid, alg, nonce.
    public init(components: [String], created: Int64?, keyID: String?, algorithm: String? = "hmac-sha256", nonce: String?, expires: Int64? = nil) {
        self.components = components
        self.created = created
        self.expires = expires
        self.keyID = keyID
        self.algorithm = algorithm
        self.nonce = nonce
        var order = [String]()
        if created != nil { order.append("created") }
        if expires != nil { order.append("expires") }
        if keyID != nil { order.append("keyid") }
        if algorithm != nil { order.append("alg") }
        if nonce != nil { order.append("nonce") }
        self.order = order
    }
}
