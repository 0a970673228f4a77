import CHiredis

/// A secret keyed once for HMAC-SHA256, shared by every request that uses it.
///
/// OpenSSL 3's one-shot `HMAC()` re-fetches the algorithm on each call; a
/// pre-keyed context duplicated per message is about twice as fast (NOTES,
/// "Crypto"). The C context never leaves this class.
///
/// `@unchecked Sendable`: the keyed `EVP_MAC_CTX` is written only in `init`
/// and freed in `deinit`; `mac(_:)` only reads it, because the shim
/// duplicates it for every message, so concurrent calls never share mutable
/// OpenSSL state.
public final class HMACKey: @unchecked Sendable {
    /// The keyed `EVP_MAC_CTX*`, owned by this object.
    private let context: OpaquePointer

    /// Keys HMAC-SHA256 with the secret's bytes (any length; keys longer than
    /// 64 bytes are hashed by HMAC itself, as the standard says).
    public init(secret: [UInt8]) {
        guard let context = chiredis_hmac_sha256_new(secret, secret.count) else {
            fatalError("OpenSSL could not create an HMAC-SHA256 context")
        }
        self.context = context
    }

    /// Keys HMAC-SHA256 with the UTF-8 bytes of `secret` (the original
    /// design's `b"client_secret"`).
    public convenience init(secret: String) {
        self.init(secret: Array(secret.utf8))
    }

    deinit {
        chiredis_hmac_sha256_free(context)
    }

    /// The 32-byte HMAC-SHA256 of `bytes`.
    public func mac(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let status = chiredis_hmac_sha256_sign(context, bytes, bytes.count, &out)
        precondition(status == 0, "OpenSSL HMAC-SHA256 failed")
        return out
    }

    /// The MAC as 64 lower-case hex digits: the mcp/0.1 `signature` text.
    public func hexMAC(_ bytes: [UInt8]) -> String {
        Hex.encode(mac(bytes))
    }
}
