/// The name of a producer service with an ingress stream of its own,
/// `<prefix>:ingress:<name>`, beside the shared `<prefix>:ingress`.
///
/// Redis ACLs grant commands and keys, not arguments: a user that may `XADD` to
/// a stream may also `XADD … MAXLEN 0` (dropping everything queued there) or
/// pick explicit entry ids. With one stream per producer, and each producer's
/// ACL user allowed only its own key, that power reaches only its own envelopes.
public struct IngressProducer: Sendable, Hashable, CustomStringConvertible {
    /// The name: 1–64 of `A–Z a–z 0–9 _ -`, and not `rejected` (the reject stream's key).
    public let name: String

    /// The longest name accepted.
    public static let maxNameLength = 64
    /// The most producer streams one gateway reads: each holds a blocking Redis connection of every gateway.
    public static let maxPerGateway = 64

    /// Validates a producer name; returns `nil` with a reason in `problem(_:)`.
    public init?(_ name: String) {
        guard Self.problem(name) == nil else { return nil }
        self.name = name
    }

    /// Why `name` cannot name a producer stream, or `nil` when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty || name.utf8.count > maxNameLength { return "must be 1 to \(maxNameLength) characters" }
        if name == "rejected" { return "\"rejected\" is the reject stream's own key" }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
        }
        return allowed ? nil : "may hold only letters, digits, '_' and '-'"
    }

    /// The name.
    public var description: String { name }
}
