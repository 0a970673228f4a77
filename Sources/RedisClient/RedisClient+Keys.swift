extension RedisClient {
    /// Sets hash fields; returns how many were new.
    @discardableResult
    public func hset(_ key: String, _ fields: [(String, String)]) async throws(RedisError) -> Int {
        Int(try await send(.hset(key, fields)).int64 ?? 0)
    }

    /// All fields of a hash (empty when the key does not exist).
    public func hgetall(_ key: String) async throws(RedisError) -> [String: String] {
        var map: [String: String] = [:]
        for (field, value) in RedisValue.pairs(try await send(.hgetall(key))) { map[field] = value.string ?? "" }
        return map
    }

    /// One field of a hash, `nil` if absent.
    public func hget(_ key: String, _ field: String) async throws(RedisError) -> String? {
        try await send(.hget(key, field)).string
    }

    /// Adds to an integer hash field and returns the new value.
    @discardableResult
    public func hincrby(_ key: String, _ field: String, by increment: Int64) async throws(RedisError) -> Int64 {
        let reply = try await send(.hincrby(key, field, by: increment))
        guard let value = reply.int64 else { throw RedisError(code: .unexpectedReply, message: "HINCRBY returned \(reply.shape)") }
        return value
    }

    /// Sets a string; with `onlyIfAbsent` returns `false` when the key already existed.
    @discardableResult
    public func set(_ key: String, _ value: String, onlyIfAbsent: Bool = false, expiry: Duration? = nil) async throws(RedisError) -> Bool {
        !(try await send(.set(key, value, onlyIfAbsent: onlyIfAbsent, expiry: expiry))).isNull
    }

    /// Reads a string, `nil` if absent.
    public func get(_ key: String) async throws(RedisError) -> String? {
        try await send(.get(key)).string
    }

    /// Deletes keys; returns how many existed.
    @discardableResult
    public func del(_ keys: [String]) async throws(RedisError) -> Int {
        Int(try await send(.del(keys)).int64 ?? 0)
    }

    /// Sets a time to live; returns `false` if the key does not exist.
    @discardableResult
    public func expire(_ key: String, after duration: Duration) async throws(RedisError) -> Bool {
        try await send(.expire(key, after: duration)).int64 == 1
    }

    /// Adds members with scores; returns how many were new.
    @discardableResult
    public func zadd(_ key: String, _ members: [(score: Double, member: String)]) async throws(RedisError) -> Int {
        Int(try await send(.zadd(key, members)).int64 ?? 0)
    }

    /// Members with scores in a range, lowest first.
    public func zrangeByScore(_ key: String, min: String, max: String, limit: (offset: Int, count: Int)? = nil) async throws(RedisError) -> [String] {
        (try await send(.zrangeByScore(key, min: min, max: max, limit: limit)).array ?? []).compactMap(\.string)
    }

    /// Removes members; returns how many existed.
    @discardableResult
    public func zrem(_ key: String, _ members: [String]) async throws(RedisError) -> Int {
        Int(try await send(.zrem(key, members)).int64 ?? 0)
    }
}
