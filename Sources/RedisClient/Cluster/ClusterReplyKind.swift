/// What a reply from a cluster node means for routing.
enum ClusterReplyKind: Equatable {
    /// A final answer (including ordinary error replies): hand it to the caller.
    case final
    /// `MOVED slot host:port`: the slot lives elsewhere for good; refresh the map and resend there.
    case moved(slot: Int, to: ClusterNodeAddress)
    /// `ASK slot host:port`: the slot is migrating; send `ASKING` and the command to that node, once.
    case ask(to: ClusterNodeAddress)
    /// `TRYAGAIN`, `CLUSTERDOWN`, `LOADING`, `READONLY`, `NOREPLICAS`, `MASTERDOWN`: resend after a backoff;
    /// `refreshMap` when the answer suggests the map is stale.
    case retry(refreshMap: Bool)

    /// Classifies a reply.
    init(_ reply: RedisValue) {
        guard let message = reply.errorMessage else {
            self = .final
            return
        }
        let words = message.split(separator: " ", maxSplits: 3)
        guard let first = words.first else {
            self = .final
            return
        }
        switch first {
        case "MOVED", "ASK":
            guard words.count >= 3, let slot = Int(words[1]), slot >= 0, slot < ClusterKeySlot.count,
                let address = ClusterNodeAddress.parse(words[2])
            else {
                self = .final
                return
            }
            self = first == "MOVED" ? .moved(slot: slot, to: address) : .ask(to: address)
        case "TRYAGAIN", "LOADING":
            self = .retry(refreshMap: false)
        case "CLUSTERDOWN", "READONLY", "NOREPLICAS", "MASTERDOWN":
            self = .retry(refreshMap: true)
        default:
            self = .final
        }
    }
}
