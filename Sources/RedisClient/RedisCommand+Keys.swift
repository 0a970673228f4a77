extension RedisCommand {
    /// `HSET key field value …`.
    public static func hset(_ key: String, _ fields: [(String, String)]) -> RedisCommand {
        RedisCommand("HSET", [key] + fields.flatMap { [$0.0, $0.1] })
    }

    /// `HGETALL key`.
    public static func hgetall(_ key: String) -> RedisCommand {
        RedisCommand("HGETALL", [key])
    }

    /// `HGET key field`.
    public static func hget(_ key: String, _ field: String) -> RedisCommand {
        RedisCommand("HGET", [key, field])
    }

    /// `HINCRBY key field increment`.
    public static func hincrby(_ key: String, _ field: String, by increment: Int64) -> RedisCommand {
        RedisCommand("HINCRBY", [key, field, String(increment)])
    }

    /// `SET key value [NX] [PX ms]`.
    public static func set(_ key: String, _ value: String, onlyIfAbsent: Bool = false, expiry: Duration? = nil) -> RedisCommand {
        var words = [key, value]
        if onlyIfAbsent { words.append("NX") }
        if let expiry { words += ["PX", String(expiry.milliseconds)] }
        return RedisCommand("SET", words)
    }

    /// `GET key`.
    public static func get(_ key: String) -> RedisCommand {
        RedisCommand("GET", [key])
    }

    /// `DEL key…`.
    public static func del(_ keys: [String]) -> RedisCommand {
        RedisCommand("DEL", keys)
    }

    /// `PEXPIRE key ms` (millisecond precision; `EXPIRE` in seconds is the same with coarser units).
    public static func expire(_ key: String, after duration: Duration) -> RedisCommand {
        RedisCommand("PEXPIRE", [key, String(duration.milliseconds)])
    }

    /// `ZADD key score member …`.
    public static func zadd(_ key: String, _ members: [(score: Double, member: String)]) -> RedisCommand {
        RedisCommand("ZADD", [key] + members.flatMap { [String($0.score), $0.member] })
    }

    /// `ZRANGEBYSCORE key min max [LIMIT offset count]`; bounds are Redis syntax (`-inf`, `(5`, `100`).
    public static func zrangeByScore(_ key: String, min: String, max: String, limit: (offset: Int, count: Int)? = nil) -> RedisCommand {
        RedisCommand("ZRANGEBYSCORE", [key, min, max] + (limit.map { ["LIMIT", String($0.offset), String($0.count)] } ?? []))
    }

    /// `ZREM key member…`.
    public static func zrem(_ key: String, _ members: [String]) -> RedisCommand {
        RedisCommand("ZREM", [key] + members)
    }
}
