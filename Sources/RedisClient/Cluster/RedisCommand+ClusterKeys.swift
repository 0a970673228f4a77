extension RedisCommand {
    /// Where a command's keys are, for routing it on a Redis Cluster.
    enum KeyPositions {
        /// No key: any primary may run it (PING, INFO, FUNCTION …, CLUSTER …, TIME, SCAN).
        case none
        /// The argument at this index (the name is index 0).
        case at(Int)
        /// Every argument from this index on.
        case all(from: Int)
        /// The first this many arguments after the name (RENAME source destination).
        case leading(Int)
        /// Every other argument from this index on (MSET key value key value …).
        case everyOther(from: Int)
        /// Every argument from index 1 but the last (BLPOP key… timeout).
        case allButLast
        /// A key count at this index, then that many keys (FCALL, EVALSHA).
        case counted(at: Int)
        /// After the `STREAMS` word (searched from this index on), the first half of the rest (XREAD, XREADGROUP).
        case streams(searchFrom: Int)
    }

    /// The keys of this command as far as cluster routing needs them; `nil` for a
    /// command without keys or one this table does not know (sent to any primary;
    /// a `MOVED` reply then takes it to the right node).
    var clusterKeys: [[UInt8]]? {
        let words = arguments
        guard let first = words.first else { return nil }
        let name = Self.upperCased(first)
        let keys: ArraySlice<[UInt8]>
        switch Self.keyPositions(of: name, subcommand: words.count > 1 ? Self.upperCased(words[1]) : "") {
        case .none:
            return nil
        case .at(let index):
            guard index < words.count else { return nil }
            keys = words[index...index]
        case .all(let from):
            guard from < words.count else { return nil }
            keys = words[from...]
        case .leading(let count):
            guard words.count > count else { return nil }
            keys = words[1...count]
        case .everyOther(let from):
            guard from < words.count else { return nil }
            return stride(from: from, to: words.count, by: 2).map { words[$0] }
        case .allButLast:
            guard words.count > 2 else { return nil }
            keys = words[1..<(words.count - 1)]
        case .counted(let at):
            guard at < words.count, let count = Int(String(decoding: words[at], as: UTF8.self)), count > 0,
                count <= words.count - at - 1
            else { return nil }
            keys = words[(at + 1)...(at + count)]
        case .streams(let searchFrom):
            guard searchFrom < words.count, let marker = words[searchFrom...].firstIndex(where: { Self.upperCased($0) == "STREAMS" }) else { return nil }
            let rest = words.count - marker - 1
            guard rest >= 2, rest % 2 == 0 else { return nil }
            keys = words[(marker + 1)...(marker + rest / 2)]
        }
        return keys.isEmpty ? nil : Array(keys)
    }

    /// The key positions of a command by name (and subcommand for XGROUP, XINFO, OBJECT, MEMORY).
    static func keyPositions(of name: String, subcommand: @autoclosure () -> String) -> KeyPositions {
        if firstKeyCommands.contains(name) { return .at(1) }
        if allKeyCommands.contains(name) { return .all(from: 1) }
        let subcommand = ["XGROUP", "XINFO", "OBJECT", "MEMORY"].contains(name) ? subcommand() : ""
        switch name {
        case "XGROUP":
            return ["CREATE", "SETID", "DESTROY", "CREATECONSUMER", "DELCONSUMER"].contains(subcommand) ? .at(2) : .none
        case "XINFO":
            return ["STREAM", "GROUPS", "CONSUMERS"].contains(subcommand) ? .at(2) : .none
        case "OBJECT":
            return ["ENCODING", "FREQ", "IDLETIME", "REFCOUNT"].contains(subcommand) ? .at(2) : .none
        case "MEMORY":
            return subcommand == "USAGE" ? .at(2) : .none
        case "MSET", "MSETNX":
            return .everyOther(from: 1)
        case "RENAME", "RENAMENX", "SMOVE", "LMOVE", "RPOPLPUSH", "COPY", "BLMOVE", "BRPOPLPUSH", "GEOSEARCHSTORE", "ZRANGESTORE":
            return .leading(2)
        case "BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX":
            return .allButLast
        case "FCALL", "FCALL_RO", "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO":
            return .counted(at: 2)
        case "XREAD":
            return .streams(searchFrom: 1)
        case "XREADGROUP":
            return .streams(searchFrom: 4)  // after GROUP group consumer, which may be named STREAMS
        default:
            return .none
        }
    }

    /// A command word in upper case (ASCII), without the Unicode case mapping `uppercased()` does.
    static func upperCased(_ word: [UInt8]) -> String {
        if !word.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) { return String(decoding: word, as: UTF8.self) }
        return String(decoding: word.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// Commands whose only key is their first argument.
    static let firstKeyCommands: Set<String> = [
        "GET", "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "GETEX", "GETRANGE", "SETRANGE", "APPEND", "STRLEN",
        "INCR", "INCRBY", "INCRBYFLOAT", "DECR", "DECRBY",
        "HGET", "HSET", "HSETNX", "HMGET", "HMSET", "HGETALL", "HDEL", "HLEN", "HEXISTS", "HKEYS", "HVALS", "HINCRBY",
        "HINCRBYFLOAT", "HSCAN", "HSTRLEN", "HRANDFIELD",
        "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "EXPIRETIME", "PEXPIRETIME", "TTL", "PTTL", "PERSIST", "TYPE", "DUMP", "RESTORE",
        "XADD", "XACK", "XDEL", "XLEN", "XRANGE", "XREVRANGE", "XTRIM", "XPENDING", "XCLAIM", "XAUTOCLAIM", "XSETID",
        "ZADD", "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZREM",
        "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZREMRANGEBYLEX", "ZCARD", "ZSCORE", "ZMSCORE", "ZINCRBY", "ZCOUNT", "ZLEXCOUNT",
        "ZRANK", "ZREVRANK", "ZPOPMIN", "ZPOPMAX", "ZSCAN", "ZRANDMEMBER",
        "SADD", "SREM", "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD", "SSCAN", "SPOP", "SRANDMEMBER",
        "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LLEN", "LRANGE", "LINDEX", "LTRIM", "LREM", "LSET", "LINSERT", "LPOS",
        "PFADD", "SETBIT", "GETBIT", "BITCOUNT", "BITPOS",
    ]

    /// Commands whose every argument is a key.
    static let allKeyCommands: Set<String> = ["DEL", "UNLINK", "EXISTS", "TOUCH", "MGET", "WATCH", "PFCOUNT", "SINTER", "SUNION", "SDIFF"]
}

extension RedisCommand {
    /// `FUNCTION LOAD|DELETE|FLUSH|RESTORE`: on a cluster, ``RedisClient/send(_:)`` sends these to every primary.
    var isFunctionAdministration: Bool {
        guard arguments.count > 1, name.uppercased() == "FUNCTION" else { return false }
        return ["LOAD", "DELETE", "FLUSH", "RESTORE"].contains(String(decoding: arguments[1], as: UTF8.self).uppercased())
    }
}
