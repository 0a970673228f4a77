/// The name a gateway or worker gives itself (`--gateway-id`, `--worker-id`). It is
/// embedded in Redis key names (`mcp:replies:<gateway_id>`, `mcp:workers:<worker_id>`),
/// in consumer names and in a job's comma-separated `watchers`, so it is kept to
/// characters that are safe in all of them: no braces (a Redis Cluster hash tag),
/// no `,` or `@` (watcher syntax), no spaces or control characters.
public enum InstanceName {
    /// The longest name accepted, in bytes.
    public static let maxLength = 64

    /// The characters accepted besides ASCII letters and digits.
    public static let punctuation: Set<Character> = ["-", "_", "."]

    /// What is wrong with `name`, or `nil` when it is a valid instance name.
    public static func problem(_ name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || punctuation.contains(Character($0))) }
        guard !name.isEmpty, name.utf8.count <= maxLength, allowed else {
            return "must be 1 to \(maxLength) characters from A-Z, a-z, 0-9, '-', '_' and '.'"
        }
        return nil
    }

    /// `name` quoted for a message: control characters escaped, at most ``maxLength`` characters shown.
    public static func quoted(_ name: String) -> String {
        let shown = String(name.prefix(maxLength))
        return "\"" + shown.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
            + (name.count > maxLength ? "…" : "") + "\""
    }
}
