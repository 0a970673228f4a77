/// One line of `CLUSTER NODES`, as the test cluster reads it.
public struct ClusterNodeState: Sendable, Equatable {
    /// The node id (40 hex digits).
    public let id: String
    /// Its client port on 127.0.0.1.
    public let port: Int
    /// Whether it is a primary (`master` flag).
    public let isPrimary: Bool
    /// Whether the node answering considers it failed (`fail` or `fail?`).
    public let isFailing: Bool
    /// The id of its primary, for a replica.
    public let primaryID: String?
    /// The slots it serves (ranges expanded lazily by ``serves(_:)``).
    public let slotRanges: [ClosedRange<Int>]

    /// Whether it serves `slot`.
    public func serves(_ slot: Int) -> Bool { slotRanges.contains { $0.contains(slot) } }

    /// Parses `CLUSTER NODES` text; malformed lines are skipped.
    public static func parse(_ text: String) -> [ClusterNodeState] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 8 else { return nil }
            let address = fields[1].split(separator: "@").first ?? ""
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
            let flags = fields[2].split(separator: ",")
            var ranges = [ClosedRange<Int>]()
            for slot in fields.dropFirst(8) where !slot.hasPrefix("[") {
                let bounds = slot.split(separator: "-").compactMap { Int($0) }
                if bounds.count == 2, bounds[0] <= bounds[1] {
                    ranges.append(bounds[0]...bounds[1])
                } else if bounds.count == 1 {
                    ranges.append(bounds[0]...bounds[0])
                }
            }
            return ClusterNodeState(
                id: String(fields[0]), port: port, isPrimary: flags.contains("master"),
                isFailing: flags.contains("fail") || flags.contains("fail?"),
                primaryID: fields[3] == "-" ? nil : String(fields[3]), slotRanges: ranges)
        }
    }
}
