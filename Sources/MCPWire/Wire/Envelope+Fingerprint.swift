extension Envelope {
    /// What the call asks for, as 32 lower-case hex digits: SHA-256 of `tool`, a newline and the
    /// canonical JSON of `args`, cut to 128 bits. Every retry of one call has the same fingerprint
    /// (nonce, time and signature are left out; member order and number spelling do not count),
    /// so a `request_id` sent again for another call can be told from a retry (DESIGN §3 step 12).
    public var callFingerprint: String {
        var bytes = Array(tool.utf8)
        bytes.append(0x0A)
        CanonicalJSON.write(.object(args), into: &bytes)
        return Hex.encode(Array(SHA256.hash(bytes).prefix(16)))
    }
}
