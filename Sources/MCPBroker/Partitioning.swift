import MCPWire

/// How one logical queue spreads over `count` partitions (DESIGN §10): each
/// partition is one hash tag `{p}`, so Redis Cluster places partitions on
/// different primaries. `count` is fixed for a deployment (``Broker/checkPartitions()``).
///
/// - A request's partition is `H(client_id, request_id) mod count` (on `/mcp` the
///   gateway derives the request id from the signature's nonce, the one value of
///   the request it does not make up), and H is the first 8 bytes of
///   SHA-256(`client_id` + `"\n"` + `key`) read big-endian. A replay and a
///   retried request id land where the original did.
/// - A job id names its partition: for `count > 1` its first 4 hex digits are
///   `p` (the other 112 bits stay random); with `count == 1` every id and key
///   is exactly as before partitions existed (`{0}`, 32 random hex digits).
public struct Partitioning: Sendable, Equatable {
    /// How many partitions. Default 1.
    public let count: Int

    /// The most partitions a deployment may have.
    public static let maxCount = 1024
    /// One partition: the single-node layout of DESIGN §4.
    public static let single = Partitioning(uncheckedCount: 1)

    /// `nil` when `count` is outside 1…``maxCount``.
    public init?(count: Int) {
        guard (1...Self.maxCount).contains(count) else { return nil }
        self.count = count
    }

    private init(uncheckedCount: Int) {
        count = uncheckedCount
    }

    /// Every partition, 0 ..< count.
    public var all: Range<Int> { 0..<count }

    /// The partition of a client's request with this key (its `request_id`).
    public func partition(client: String, key: String) -> Int {
        guard count > 1 else { return 0 }
        let digest = SHA256.hash(Array(client.utf8) + [0x0A] + Array(key.utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int(value % UInt64(count))
    }

    /// The partition a job id names, or `nil` when it names none of this deployment's.
    public func partition(ofJob jobID: String) -> Int? {
        guard JobID.isValid(jobID) else { return nil }
        guard count > 1 else { return 0 }
        let p = Int(jobID.prefix(4), radix: 16) ?? Int.max
        return p < count ? p : nil
    }

    /// A new random job id in partition `p` (`p` is clamped into range).
    public func makeJobID(in p: Int) -> String {
        let id = JobID.make()
        guard count > 1 else { return id }
        let hex = String(min(max(p, 0), count - 1), radix: 16)
        return String(repeating: "0", count: 4 - hex.count) + hex + id.dropFirst(4)
    }
}
