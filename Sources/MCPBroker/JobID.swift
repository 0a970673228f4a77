import MCPWire

/// Job ids: 128 random bits as 32 lower-case hex digits, unguessable, so
/// knowing one job's id tells nothing about another's.
public enum JobID {
    /// A new random job id.
    public static func make() -> String {
        SecureRandom.hex(bytes: 16)
    }

    /// Whether a string has the shape of a job id (so malformed ids never reach Redis key names).
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
