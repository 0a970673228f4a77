/// Which primary serves each of the 16384 hash slots, decoded from `CLUSTER SHARDS`.
struct ClusterSlotMap: Sendable {
    /// The primaries that serve at least one slot, in the order the cluster listed them.
    private(set) var primaries: [ClusterNodeAddress]
    /// Every node the cluster listed (primaries and replicas), to ask for a new map when some are down.
    let nodes: [ClusterNodeAddress]
    /// Per slot, an index into `primaries`; `Self.uncovered` when no primary serves it.
    private var owners: [UInt16]
    private static let uncovered = UInt16.max

    /// The primary serving `slot`, `nil` when the slot is uncovered (or out of range).
    func owner(ofSlot slot: Int) -> ClusterNodeAddress? {
        guard slot >= 0, slot < owners.count else { return nil }
        let index = Int(owners[slot])
        return index < primaries.count ? primaries[index] : nil
    }

    /// Records a `MOVED` answer: `slot` is now served by `address`.
    mutating func assign(slot: Int, to address: ClusterNodeAddress) {
        guard slot >= 0, slot < owners.count else { return }
        if let index = primaries.firstIndex(of: address) {
            owners[slot] = UInt16(truncatingIfNeeded: index)
        } else if primaries.count < Int(Self.uncovered) {
            owners[slot] = UInt16(truncatingIfNeeded: primaries.count)
            primaries.append(address)
        }
    }

    /// How many slots have a primary.
    var coveredSlots: Int { owners.lazy.filter { $0 != Self.uncovered }.count }

    /// The most shards a reply may list: a shard that serves slots serves at least one of the 16 384,
    /// and a cluster of more nodes than that is beyond any deployment (Redis suggests at most 1 000).
    static let shardLimit = ClusterKeySlot.count

    /// The most nodes kept to ask for a new map (the primaries that serve slots are kept however many).
    static let nodeLimit = 1_024

    /// Decodes a `CLUSTER SHARDS` reply (RESP2: each shard and node a flat field/value array), in
    /// time linear in its size. A shard's primary is its node with role `master`, preferring one whose
    /// health is `online`. A node listed with no known address (`""` or `?`: a one-node cluster that
    /// never learned its own address) is the node that answered, `answeredBy`, at the port it lists.
    /// More than ``shardLimit`` shards, or a slot served by two shards, is refused as malformed.
    static func decode(shards reply: RedisValue, answeredBy: ClusterNodeAddress? = nil) throws(RedisError) -> ClusterSlotMap {
        guard let shards = reply.array else { throw malformed("answered \(reply.shape), expected an array of shards") }
        guard shards.count <= shardLimit else { throw malformed("lists \(shards.count) shards, more than a cluster's 16384 slots can be split into") }
        var primaries = [ClusterNodeAddress]()
        var primaryIndex = [ClusterNodeAddress: Int]()
        var nodes = [ClusterNodeAddress]()
        var listed = Set<ClusterNodeAddress>()
        var owners = [UInt16](repeating: uncovered, count: ClusterKeySlot.count)
        for shard in shards {
            let fields = RedisValue.pairs(shard)
            guard let slotBounds = fields["slots"]?.array, let shardNodes = fields["nodes"]?.array else {
                throw malformed("has a shard without slots or nodes (\(shard.shape))")
            }
            guard slotBounds.count % 2 == 0 else { throw malformed("has an odd number of slot bounds") }
            var primary: (address: ClusterNodeAddress, online: Bool)?
            for node in shardNodes {
                let fields = RedisValue.pairs(node)
                guard let address = try nodeAddress(fields, answeredBy: answeredBy) else { continue }
                if nodes.count < nodeLimit, listed.insert(address).inserted { nodes.append(address) }
                guard fields["role"]?.string == "master" else { continue }
                let online = fields["health"]?.string == "online"
                if primary == nil || (online && primary?.online == false) { primary = (address, online) }
            }
            guard !slotBounds.isEmpty else { continue }
            guard let primary else { continue }  // a shard whose primary is gone: its slots stay uncovered
            let index: Int
            if let known = primaryIndex[primary.address] {
                index = known
            } else {
                guard primaries.count < Int(uncovered) else { throw malformed("lists too many primaries") }
                index = primaries.count
                primaryIndex[primary.address] = index
                primaries.append(primary.address)
            }
            var bound = 0
            while bound + 1 < slotBounds.count {
                guard let low = slotBounds[bound].int64, let high = slotBounds[bound + 1].int64,
                    low >= 0, low <= high, high < Int64(ClusterKeySlot.count)
                else { throw malformed("has an invalid slot range") }
                for slot in Int(low)...Int(high) {
                    // Each slot is written once at most: the whole reply costs at most 16 384 writes.
                    guard owners[slot] == uncovered else { throw malformed("lists slot \(slot) in two shards") }
                    owners[slot] = UInt16(truncatingIfNeeded: index)
                }
                bound += 2
            }
        }
        return ClusterSlotMap(primaries: primaries, nodes: nodes, owners: owners)
    }

    /// A node's address: its `endpoint` (or `ip` when the endpoint is unknown, `?` or empty) and `port`;
    /// with neither known, the host of the node that answered (Redis lists a node that never learned its
    /// own address so: a one-node cluster).
    private static func nodeAddress(_ fields: [String: RedisValue], answeredBy: ClusterNodeAddress?) throws(RedisError) -> ClusterNodeAddress? {
        guard let port = fields["port"]?.int64 else { throw malformed("has a node without a port") }
        guard port > 0, port <= 65535 else { return nil }  // a node that listens on TLS only, or not yet known
        let candidates = [fields["endpoint"]?.string, fields["ip"]?.string].compactMap { $0 }
        if let host = candidates.first(where: { !$0.isEmpty && $0 != "?" }) {
            return ClusterNodeAddress(host: host, port: Int(port))
        }
        return answeredBy.map { ClusterNodeAddress(host: $0.host, port: Int(port)) }
    }

    private static func malformed(_ why: String) -> RedisError {
        RedisError(code: .unexpectedReply, message: "CLUSTER SHARDS \(why)")
    }
}
