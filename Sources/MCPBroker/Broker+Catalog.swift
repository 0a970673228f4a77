import Logging
import MCPTools
import MCPWire
import RedisClient

extension Broker {
    /// Publishes tool descriptors to the catalog hash (name → descriptor JSON).
    public func publishCatalog(_ descriptors: [ToolDescriptor]) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            guard let command = catalogCommand(descriptors) else { return }
            try await redis.send(command)
        }
    }

    func catalogCommand(_ descriptors: [ToolDescriptor]) -> RedisCommand? {
        descriptors.isEmpty ? nil : .hset(keys.tools, descriptors.map { ($0.name, CanonicalJSON.string($0.json())) })
    }

    /// Reads the catalog; entries that fail to decode are skipped and logged.
    public func catalog() async throws(BrokerError) -> [ToolDescriptor] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let fields = try await namingTheCatalog { () async throws(RedisError) in try await redis.hgetall(keys.tools) }
            var descriptors = [ToolDescriptor]()
            for (name, text) in fields.sorted(by: { $0.key < $1.key }) {
                do {
                    descriptors.append(try ToolDescriptor(json: try JSONParser.parse(Array(text.utf8))))
                } catch {
                    logger.warning("skipping unreadable catalog entry", metadata: ["tool.name": "\(name)", "error": "\(error)"])
                }
            }
            return descriptors
        }
    }

    /// One tool's descriptor straight from Redis, `nil` if no worker published it.
    public func descriptor(named name: String) async throws(BrokerError) -> ToolDescriptor? {
        return try await BrokerError.mapping { () async throws(RedisError) in
            guard let text = try await namingTheCatalog({ () async throws(RedisError) in try await redis.hget(keys.tools, name) }) else { return nil }
            return try? ToolDescriptor(json: try JSONParser.parse(Array(text.utf8)))
        }
    }

    /// Runs a read of the catalog hash; a refusal because the key holds another type says which key.
    private func namingTheCatalog<T>(_ read: () async throws(RedisError) -> T) async throws(RedisError) -> T {
        do {
            return try await read()
        } catch where error.isWrongType {
            throw RedisError.server("WRONGTYPE \(keys.tools) is not the catalog hash (\(error.message.prefix(80)))")
        }
    }

    /// Writes a worker's heartbeat hash with a TTL, refreshes the live-worker index and
    /// (when given) republishes its catalog, all in one round trip. With `readingPrevious`,
    /// returns the heartbeat the hash held before (`nil` when none was current, or when the
    /// user may not read it), read in the same round trip: one of another process means two
    /// workers run under one id.
    @discardableResult
    public func heartbeat(
        readingPrevious: Bool = false, _ beat: WorkerHeartbeat, catalog descriptors: [ToolDescriptor] = []
    ) async throws(BrokerError) -> LiveWorker? {
        try await BrokerError.mapping { () async throws(RedisError) -> LiveWorker? in
            let now = UnixTime.nowMillis()
            let key = keys.worker(beat.workerID)
            let ttl = configuration.heartbeatTTL
            var commands: [RedisCommand] = readingPrevious ? [.hgetall(key)] : []
            commands += catalogCommand(descriptors).map { [$0] } ?? []
            commands += [
                .hset(key, [
                    ("host", beat.host), ("pid", String(beat.pid)), ("started_ms", String(beat.startedMs)),
                    ("in_flight", String(beat.inFlight)), ("concurrency", String(beat.concurrency)),
                    ("version", beat.version), ("beat_ms", String(now)),
                ]),
                .expire(key, after: ttl),
                .zadd(keys.workerIndex, [(score: Double(now), member: beat.workerID)]),
                RedisCommand("ZREMRANGEBYSCORE", [keys.workerIndex, "-inf", "(\(now - ttl.wholeMilliseconds * 6)"]),
                // A beat far in the future (a writer's junk, a dead host whose clock ran ahead) would look alive for ever.
                RedisCommand("ZREMRANGEBYSCORE", [keys.workerIndex, "(\(now + ttl.wholeMilliseconds * 6)", "+inf"]),
            ]
            let replies = try await redis.pipeline(commands)
            for reply in replies.dropFirst(readingPrevious ? 1 : 0) { _ = try reply.orThrow() }
            // Another type fails the HSET above; an ACL file from before this read refuses it: no twin check then.
            guard readingPrevious, let before = replies.first, before.errorMessage == nil else { return nil }
            var fields: [String: String] = [:]
            for (name, value) in RedisValue.pairs(before) { fields[name] = value.string ?? "" }
            return LiveWorker(workerID: beat.workerID, fields: fields)
        }
    }

    /// Removes a worker's heartbeat at clean shutdown.
    public func retire(workerID: String) async throws(BrokerError) {
        try await BrokerError.mapping { () async throws(RedisError) -> Void in
            _ = try await redis.pipeline([.del([keys.worker(workerID)]), .zrem(keys.workerIndex, [workerID])])
        }
    }

    /// Ids of workers whose last heartbeat is within the heartbeat TTL of now, either way (a host's
    /// clock may run a little ahead; a beat far in the future is junk, not a live worker), at most `limit` when given.
    public func liveWorkers(limit: Int? = nil) async throws(BrokerError) -> [String] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let now = UnixTime.nowMillis()
            let ttl = configuration.heartbeatTTL.wholeMilliseconds
            return try await redis.zrangeByScore(
                keys.workerIndex, min: String(now - ttl), max: String(now + ttl), limit: limit.map { (0, max(0, $0)) })
        }
    }
}
