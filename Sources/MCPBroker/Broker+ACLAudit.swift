import RedisClient

extension Broker {
    /// Checks Redis user `user` against every right of `role` this release needs, with `ACL DRYRUN`
    /// (nothing runs), on each node that holds a partition (ACL users are per node). Keyed by node.
    /// The key patterns follow this broker's prefix. `mcpctl redis setup` runs it for the gateway
    /// and worker users, so an ACL file from an older release is named before a process meets a
    /// refusal (or, as with request records' expiry, silently keeps keys for ever).
    public func auditACL(user: String, role: ACLRole) async throws(BrokerError) -> [String: ACLAudit] {
        let probes = ACLProbe.probes(of: role, prefix: keys.prefix)
        let commands = probes.map { RedisCommand("ACL", ["DRYRUN", user] + $0.command) }
        return try await BrokerError.mapping { () async throws(RedisError) -> [String: ACLAudit] in
            var audits = [String: ACLAudit]()
            for (node, key) in try await partitionNodes() {
                audits[node] = Self.audit(probes: probes, replies: try await pipeline(onNodeOf: key, commands))
            }
            return audits
        }
    }

    /// Each node that holds a partition, with a key in one of its partitions ('' on one server).
    func partitionNodes() async throws(RedisError) -> [(node: String, key: String)] {
        guard redis.isCluster else { return [("\(redis.configuration.endpoint)", "")] }
        var seen = Set<String>()
        var nodes = [(node: String, key: String)]()
        for p in 0..<keys.partitioning.count {
            let key = keys.stream(p)
            let node = "\(try await redis.nodeConfiguration(forKey: key).endpoint)"
            if seen.insert(node).inserted { nodes.append((node, key)) }
        }
        return nodes
    }

    /// `commands` sent to the node of `key` (a key from ``partitionNodes()``; '' on one server).
    func pipeline(onNodeOf key: String, _ commands: [RedisCommand]) async throws(RedisError) -> [RedisValue] {
        key.isEmpty ? try await redis.pipeline(commands) : try await redis.pipeline(onNodeOf: key, commands)
    }

    /// The verdict of one node's `ACL DRYRUN` replies, one per probe.
    static func audit(probes: [ACLProbe], replies: [RedisValue]) -> ACLAudit {
        var missing = [ACLAudit.Refusal]()
        for (probe, reply) in zip(probes, replies) {
            switch reply {
            case .status("OK"):
                continue
            case .error(let message) where message.hasPrefix("NOPERM"):
                return .notAsked
            case .error(let message) where message.contains("User") && message.contains("not found"):
                return .noSuchUser
            default:
                let text = reply.string ?? RedisError.printable("\(reply)", limit: 200)
                missing.append(ACLAudit.Refusal(probe: probe, reason: String(text.prefix(200))))
            }
        }
        return .checked(probes: probes.count, missing: missing)
    }
}
