import CHiredis

/// SHA-256 through OpenSSL, for fingerprints and canonical-bytes digests.
public enum SHA256 {
    /// The 32-byte SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let status = chiredis_sha256(bytes, bytes.count, &out)
        precondition(status == 0, "OpenSSL SHA-256 failed")
        return out
    }

    /// The digest as 64 lower-case hex digits.
    public static func hex(_ bytes: [UInt8]) -> String {
        Hex.encode(hash(bytes))
    }
}
