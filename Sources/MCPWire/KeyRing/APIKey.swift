/// Static bearer tokens for `/mcp`: how they look, how the key ring stores them.
///
/// A token is `mcps_` followed by 43 base64url characters (32 random bytes):
/// the prefix lets secret scanners recognise a leaked one. The key ring keeps
/// only `sha256:<64 hex>` of the token's bytes; a token is high-entropy, so a
/// plain digest cannot be reversed and needs no salt.
public enum APIKey {
    /// The prefix of every token `generate()` makes.
    public static let prefix = "mcps_"
    /// The prefix of a stored digest in the key ring.
    public static let digestPrefix = "sha256:"
    /// The longest token accepted in a request, in bytes (longer ones are not looked up).
    public static let maxTokenBytes = 512

    /// A new random token.
    public static func generate() -> String {
        prefix + Base64URL.encode(SecureRandom.bytes(32))
    }

    /// The 32-byte SHA-256 digest of a token.
    public static func digest(of token: String) -> [UInt8] {
        SHA256.hash(Array(token.utf8))
    }

    /// The key ring form of a token's digest: `sha256:<64 lower-case hex>`.
    public static func storedForm(of token: String) -> String {
        digestPrefix + Hex.encode(digest(of: token))
    }

    /// The 32 digest bytes of a stored `sha256:<hex>` form, or `nil` when it is not one.
    public static func parseStored(_ text: String) -> [UInt8]? {
        guard text.hasPrefix(digestPrefix) else { return nil }
        let hex = text.dropFirst(digestPrefix.count)
        guard hex.utf8.count == 64, let bytes = Hex.decode(String(hex)) else { return nil }
        return bytes
    }
}
