import Logging
import RedisClient

extension Broker {
    /// Each Redis node's eviction policy (one server: one entry; a cluster: every primary that
    /// holds a partition), keyed by node. A node this Redis user may not ask (`INFO` not in its
    /// ACL, as for the gateway and worker users of deploy/redis/users.acl) is left out; one whose
    /// answer names no readable policy (another error, text of another shape) is `unreadable`.
    public func evictionPolicies() async throws(BrokerError) -> [String: EvictionPolicy] {
        try await BrokerError.mapping { () async throws(RedisError) -> [String: EvictionPolicy] in
            let info = RedisCommand("INFO", ["memory"])
            var replies = [(node: String, reply: RedisValue)]()
            for (node, key) in try await partitionNodes() {
                replies.append((node, try await pipeline(onNodeOf: key, [info])[0]))
            }
            var policies = [String: EvictionPolicy]()
            for (node, reply) in replies {
                if case .error(let message) = reply, message.hasPrefix("NOPERM") { continue }
                policies[node] = EvictionPolicy(info: reply.string ?? "") ?? .unreadable
            }
            return policies
        }
    }

    /// The start-up check of a process: an error in the log for each node whose policy may delete
    /// this deployment's keys (BullMQ and Sidekiq warn the same way). The process starts anyway: a
    /// managed Redis may not let its user change the policy. Nothing is said when `INFO` is refused;
    /// a Redis that cannot be asked (unreachable, or an answer that is not Redis's) is named in a
    /// warning, so an unchecked policy is never silent.
    ///
    /// Only a process that logs in as the default user asks: a named user is one of an ACL file
    /// (deploy/redis/users.acl), whose gateway and worker users may not run `INFO`, and a refused
    /// command would land in Redis's `ACL LOG`, where operators look for intruders. There
    /// `mcpctl redis setup`, run as the `setup` user before any process starts, checks instead.
    ///
    /// Returns `true` when some node may evict keys, `false` when every node asked keeps them, `nil`
    /// when nothing could be asked (a named user, `INFO` refused, Redis unreachable): the executables
    /// export it as `mcp_redis_setup_problem{check="eviction"}` (`StartupCheck` in MCPCommandLine).
    @discardableResult
    public static func checkEviction(connection: BrokerConnection, configuration: BrokerConfiguration, logger: Logger) async -> Bool? {
        if let user = connection.redis.endpoint.user, user != "default" { return nil }
        let client = RedisClient(configuration: connection.redis, logger: logger)
        defer { client.close() }
        let broker = Broker(redis: client, configuration: configuration, logger: logger)
        let policies: [String: EvictionPolicy]
        do {
            policies = try await broker.evictionPolicies()
        } catch {
            logger.warning("Redis's eviction policy could not be read at start; check it with `mcpctl redis setup --check`", metadata: [
                "error": "\(error)",
            ])
            return nil
        }
        if policies.isEmpty { return nil }
        var evicting = false
        for (node, policy) in policies.sorted(by: { $0.key < $1.key }) {
            guard let risk = policy.risk else { continue }
            evicting = true
            logger.error("Redis may evict this deployment's keys: set maxmemory-policy noeviction (deploy/redis/redis.conf)", metadata: [
                "redis.node": "\(node)", "redis.maxmemory_policy": "\(policy)", "risk": "\(risk)",
            ])
        }
        return evicting
    }
}
