/// The ACL rules this release's gateway and worker need: their lines of `deploy/redis/users.acl`
/// after each user's name, state and password, one `ACL SETUSER` argument each (a parenthesized
/// selector is one; a test keeps them equal to the file). `mcpctl redis setup` checks a
/// deployment's users against them (``Broker/auditACL(user:role:)``), so an ACL file from an
/// older release is found before a process runs into it.
public enum ACLRole: String, Sendable, CaseIterable {
    /// `mcp-gateway`'s user.
    case gateway
    /// `mcp-worker`'s user.
    case worker

    /// The role's rules, for the default key prefix `mcp`: first the rules outside any selector
    /// (space-separated), then one selector per element.
    public var rules: [String] {
        switch self {
        case .gateway:
            return [
                "resetkeys resetchannels -@all +cluster|shards +asking +ping +function|list +wait",
                "(~mcp:{[0-9]*}:nonce:* ~mcp:{[0-9]*}:req:* ~mcp:{[0-9]*}:job:* ~mcp:{[0-9]*}:stream ~mcp:{[0-9]*}:delayed +fcall)",
                "(~mcp:{[0-9]*}:nonce:* ~mcp:{[0-9]*}:req:* +exists +get +set)",
                "(~mcp:{[0-9]*}:job:* +hget +hgetall +hmget +hset +pexpire)",
                "(%W~mcp:{[0-9]*}:stream +xadd)",
                "(%R~mcp:{[0-9]*}:stream +xinfo|groups +xlen)",
                "(%R~mcp:replies:* +xread)",
                "(%W~mcp:replies:* +xadd +pexpire)",
                "(%W~mcp:results:* +xadd +pexpire)",
                "(~mcp:{[0-9]*}:delayed +zrem)",
                "(%R~mcp:tools +hget +hgetall)",
                "(%R~mcp:workers +zrangebyscore)",
                "(~mcp:ingress ~mcp:ingress:* +xgroup|create +xreadgroup +xack +xautoclaim +xclaim +xpending +xinfo|groups +xtrim)",
                "(%W~mcp:ingress:rejected +xadd)",
                "(~mcp:config +hsetnx +hget)",
                "(&mcp:{[0-9]*}:bell +spublish)",
            ]
        case .worker:
            return [
                "resetkeys resetchannels -@all +cluster|shards +asking +ping +function|list",
                "(~mcp:{[0-9]*}:job:* ~mcp:{[0-9]*}:stream ~mcp:{[0-9]*}:delayed ~mcp:{[0-9]*}:dead +fcall)",
                "(~mcp:{[0-9]*}:req:* +pexpire)",
                "(~mcp:{[0-9]*}:job:* +hget +hmget +hset +hdel +hincrby +pexpire)",
                "(~mcp:{[0-9]*}:stream +xgroup|create +xreadgroup +xrange +xack +xdel +xclaim +xautoclaim +xpending +xinfo|stream +xinfo|groups +xinfo|consumers +xlen +xtrim +xadd)",
                "(~mcp:{[0-9]*}:delayed +zadd +zrange +zrangebyscore +zrem)",
                "(~mcp:{[0-9]*}:dead +xadd +xtrim +xlen +xinfo|stream)",
                "(%W~mcp:replies:* +xadd +pexpire)",
                "(%W~mcp:results:* +xadd +pexpire)",
                "(%W~mcp:tools +hset)",
                "(~mcp:workers:* +hset +pexpire +del +hgetall)",
                "(~mcp:workers +zadd +zremrangebyscore +zrem +zrangebyscore)",
                "(~mcp:config +hsetnx +hget)",
                "(&mcp:{[0-9]*}:bell +spublish +ssubscribe)",
            ]
        }
    }

    /// The rules as `ACL SETUSER` takes them after the user's name: the words outside any selector,
    /// then each selector whole.
    public var arguments: [String] {
        rules.flatMap { $0.hasPrefix("(") ? [$0] : $0.split(separator: " ").map(String.init) }
    }
}
