/// Where one command of a call goes next.
enum ClusterRoute: Sendable, Equatable {
    /// The primary that serves this slot in the current map.
    case slot(Int)
    /// Any primary (a command without keys).
    case any
    /// A node named by a redirection; with `asking`, preceded by `ASKING`.
    case node(ClusterNodeAddress, asking: Bool)

    /// Routes for commands: by the one slot of each command's keys, or `.any` for commands without keys.
    /// A command whose keys span slots is a ``RedisError/Code/crossSlot`` error (nothing is sent).
    static func routes(of commands: [RedisCommand]) -> Result<[ClusterRoute], RedisError> {
        var routes = [ClusterRoute]()
        routes.reserveCapacity(commands.count)
        for command in commands {
            guard let keys = command.clusterKeys, let firstKey = keys.first else {
                routes.append(.any)
                continue
            }
            let slot = ClusterKeySlot.slot(of: firstKey)
            if let other = keys.first(where: { ClusterKeySlot.slot(of: $0) != slot }) {
                let firstText = String(decoding: firstKey.prefix(100), as: UTF8.self)
                let otherText = String(decoding: other.prefix(100), as: UTF8.self)
                return .failure(RedisError(
                    code: .crossSlot,
                    message: "\(command.name) names keys in different Redis Cluster hash slots (\"\(firstText)\" → \(slot), "
                        + "\"\(otherText)\" → \(ClusterKeySlot.slot(of: other))) and was not sent: "
                        + "every key of one command or script must share a hash tag such as {tag}"))
            }
            routes.append(.slot(slot))
        }
        return .success(routes)
    }
}
