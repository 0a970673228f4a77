/// A Redis-side producer's results stream, `<prefix>:results:<name>`: an
/// ingress entry that names one in its `reply_to` field has its job's end
/// (or its refusal) appended there, so the producer can `XREAD BLOCK` for its
/// answer instead of polling (DESIGN §5.3).
///
/// Names follow ``IngressProducer``'s rule (letters, digits, `_`, `-`, at most
/// 64). An entry read from a producer's own stream `<prefix>:ingress:<producer>`
/// may name only `<producer>` or `<producer>-<anything>`, so one producer
/// cannot write into another's results.
public struct ResultsStream: Sendable, Hashable, CustomStringConvertible {
    /// The name after `<prefix>:results:`.
    public let name: String

    /// Validates a name; `nil` when it breaks the rule (``problem(_:)`` says why).
    public init?(_ name: String) {
        guard Self.problem(name) == nil else { return nil }
        self.name = name
    }

    /// Why a name is not allowed, or `nil`.
    public static func problem(_ name: String) -> String? {
        // The producer-name rule, except that `rejected` (the reject stream's ingress key) is a fine results name.
        guard let problem = IngressProducer.problem(name), name != "rejected" else { return nil }
        return problem
    }

    /// Whether an entry read from `producer`'s own ingress stream may name this
    /// stream: only its own names. An entry of the shared stream (`producer` `nil`)
    /// may name any stream that none of the deployment's `producers` owns, so
    /// whoever writes the shared stream cannot write answers into a producer's results.
    /// A name two producers could claim (`billing-eu-1` of `billing` and of `billing-eu`) is the one
    /// whose name is longer: so `billing` cannot write into `billing-eu`'s results.
    public func isAllowed(from producer: IngressProducer?, producers: [IngressProducer] = []) -> Bool {
        guard let producer else { return !producers.contains { isOwned(by: $0) } }
        return isOwned(by: producer) && !producers.contains { $0.name.utf8.count > producer.name.utf8.count && isOwned(by: $0) }
    }

    /// Whether this is one of `producer`'s names: `<producer>` or `<producer>-<suffix>` (see
    /// ``isAllowed(from:producers:)`` for a name a longer producer name claims too).
    public func isOwned(by producer: IngressProducer) -> Bool {
        name == producer.name || name.hasPrefix(producer.name + "-")
    }

    /// How the stream is kept in a job hash's `watchers` list: `@<name>`
    /// (gateway ids, the other kind of watcher, never start with `@`).
    public var watcher: String { "@" + name }

    /// The stream a watcher names, or `nil` for a gateway watcher.
    public init?(watcher: Substring) {
        guard watcher.first == "@", let stream = ResultsStream(String(watcher.dropFirst())) else { return nil }
        self = stream
    }

    public var description: String { name }
}
