import RedisClient
import RedisTestSupport
import Testing

/// Each user of `deploy/redis/users.acl` is refused what it has no business doing.
@Suite("deploy/redis/users.acl: refusals")
struct ACLRefusalTests {
    static let job = "mcp:{0}:job:00000000000000000000000000000001"
    static let nonce = "mcp:{0}:nonce:client-001:n-1"
    static let request = "mcp:{0}:req:client-001:r-1"

    /// A job stream with the `workers` group and one job hash, as a running system has.
    private func seed(_ redis: ACLRedis) async throws {
        let worker = try redis.client("worker")
        try await worker.send("XGROUP", "CREATE", "mcp:{0}:stream", "workers", "0", "MKSTREAM")
        let admin = try redis.client("admin")
        try await admin.send("HSET", Self.job, "status", "queued", "client_id", "client-001")
        try await admin.send("XADD", "mcp:{0}:stream", "*", "job_id", "00000000000000000000000000000001", "envelope", "{}", "attempt", "1")
    }

    private func expectRefused(_ reply: RedisValue, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.errorMessage?.hasPrefix("NOPERM") == true, "\(what) should be refused with NOPERM, got \(reply)", sourceLocation: sourceLocation)
    }

    private func expectAllowed(_ reply: RedisValue, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.errorMessage == nil, "\(what) should be allowed, got \(reply)", sourceLocation: sourceLocation)
    }

    @Test func producerMayOnlyAppendToIngress() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let producer = try redis.client("producer")
            expectAllowed(try await producer.reply("XADD", "mcp:ingress", "*", "envelope", "{}"), "XADD mcp:ingress")
            expectRefused(try await producer.reply("XADD", "mcp:{0}:stream", "*", "job_id", "x"), "XADD to the job stream")
            expectRefused(try await producer.reply("XADD", "mcp:ingress:rejected", "*", "code", "x"), "XADD to the reject stream")
            expectRefused(try await producer.reply("XRANGE", "mcp:ingress", "-", "+"), "reading the ingress stream")
            expectRefused(try await producer.reply("XREADGROUP", "GROUP", "workers", "p", "STREAMS", "mcp:{0}:stream", ">"), "taking jobs")
            expectRefused(try await producer.reply("HGETALL", Self.job), "reading a job")
            expectRefused(try await producer.reply("DEL", "mcp:ingress"), "deleting the ingress stream")
            expectRefused(try await producer.reply("FLUSHALL"), "FLUSHALL")
        }
    }

    @Test func monitorReadsEverythingAndWritesNothing() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let monitor = try redis.client("monitor")
            // What the runbook, mcpctl stats and KEDA's lag scaler read.
            expectAllowed(try await monitor.reply("PING"), "PING")
            expectAllowed(try await monitor.reply("INFO", "server"), "INFO (KEDA checks the Redis version)")
            expectAllowed(try await monitor.reply("XINFO", "GROUPS", "mcp:{0}:stream"), "XINFO GROUPS")
            expectAllowed(try await monitor.reply("XLEN", "mcp:{0}:stream"), "XLEN")
            expectAllowed(try await monitor.reply("XPENDING", "mcp:{0}:stream", "workers"), "XPENDING")
            expectAllowed(try await monitor.reply("HGETALL", Self.job), "HGETALL of a job")
            expectAllowed(try await monitor.reply("SCAN", "0", "MATCH", "mcp:*"), "SCAN")
            // No write, no consumption, nothing outside mcp:*, no KEYS, no admin.
            expectRefused(try await monitor.reply("HSET", Self.job, "status", "done"), "HSET of a job")
            expectRefused(try await monitor.reply("XADD", "mcp:ingress", "*", "envelope", "{}"), "XADD mcp:ingress")
            expectRefused(try await monitor.reply("XREADGROUP", "GROUP", "workers", "m", "STREAMS", "mcp:{0}:stream", ">"), "taking jobs")
            expectRefused(try await monitor.reply("XACK", "mcp:{0}:stream", "workers", "0-1"), "XACK")
            expectRefused(try await monitor.reply("DEL", Self.job), "DEL")
            expectRefused(try await monitor.reply("GET", "other-app:secret"), "reading keys outside mcp:*")
            expectRefused(try await monitor.reply("KEYS", "*"), "KEYS")
            expectRefused(try await monitor.reply("CONFIG", "SET", "appendonly", "no"), "CONFIG SET")
            expectRefused(try await monitor.reply("FLUSHALL"), "FLUSHALL")
        }
    }

    @Test func gatewayCannotTouchWhatWorkersOwn() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let gateway = try redis.client("gateway")
            expectAllowed(try await gateway.reply("SET", Self.nonce, "1", "NX", "PX", "60000"), "SET NX of a nonce")
            expectAllowed(try await gateway.reply("HGETALL", Self.job), "HGETALL of a job")
            expectRefused(try await gateway.reply("XGROUP", "DESTROY", "mcp:{0}:stream", "workers"), "XGROUP DESTROY")
            expectRefused(try await gateway.reply("FLUSHALL"), "FLUSHALL")
            expectRefused(try await gateway.reply("XREADGROUP", "GROUP", "workers", "g", "STREAMS", "mcp:{0}:stream", ">"), "taking jobs")
            expectRefused(try await gateway.reply("XRANGE", "mcp:{0}:stream", "-", "+"), "reading the job stream")
            expectRefused(try await gateway.reply("XREAD", "STREAMS", "mcp:{0}:stream", "0"), "XREAD of the job stream")
            expectRefused(try await gateway.reply("SET", "mcp:{0}:stream", "x"), "overwriting the job stream")
            expectRefused(try await gateway.reply("DEL", Self.job), "DEL of a job")
            expectRefused(try await gateway.reply("HSET", "mcp:tools", "evil", "{}"), "forging the catalog")
            expectRefused(try await gateway.reply("ZADD", "mcp:workers", "1", "ghost"), "forging a heartbeat")
            // Cancelling a queued job tells the gateways waiting on it (tasks/result) through their reply streams.
            expectAllowed(try await gateway.reply("XADD", "mcp:replies:other", "*", "job_id", "x"), "notifying a watching gateway")
            expectRefused(try await gateway.reply("XADD", "mcp:ingress", "*", "envelope", "{}"), "XADD to mcp:ingress (producers do)")
            expectRefused(try await gateway.reply("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"), "CONFIG SET")
        }
    }

    @Test func workerCannotTouchReplayGuardsOrIngress() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let worker = try redis.client("worker")
            expectAllowed(try await worker.reply("HGET", Self.job, "status"), "HGET of a job")
            expectRefused(try await worker.reply("SET", Self.nonce, "1"), "SET of a nonce")
            expectRefused(try await worker.reply("HSET", Self.nonce, "f", "1"), "writing a nonce key with an allowed command")
            expectRefused(try await worker.reply("GET", Self.request), "reading an idempotency record")
            expectRefused(try await worker.reply("FLUSHALL"), "FLUSHALL")
            expectRefused(try await worker.reply("XGROUP", "DESTROY", "mcp:{0}:stream", "workers"), "XGROUP DESTROY")
            expectRefused(try await worker.reply("DEL", "mcp:{0}:stream"), "DEL of the job stream")
            expectRefused(try await worker.reply("DEL", Self.job), "DEL of a job")
            expectRefused(try await worker.reply("XADD", "mcp:ingress", "*", "envelope", "{}"), "XADD to mcp:ingress")
            expectRefused(try await worker.reply("XREAD", "STREAMS", "mcp:replies:gw", "0"), "reading a gateway's replies")
            expectRefused(try await worker.reply("HGETALL", "mcp:tools"), "reading the catalog (it only publishes)")
        }
    }

    @Test func aLoadedScriptCannotDoMoreThanItsCaller() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let gateway = try redis.client("gateway")
            // The gateway may load scripts and EVALSHA them on its job keys, but every command inside is checked again.
            let sha = try #require(try await gateway.send("SCRIPT", "LOAD", "return redis.call('DEL', KEYS[4])").string)
            let reply = try await gateway.reply("EVALSHA", sha, "4", Self.nonce, Self.request, Self.job, "mcp:{0}:stream")
            #expect(reply.errorMessage?.contains("can't run this command") == true, "\(reply)")
            #expect(try await redis.client("admin").send("EXISTS", "mcp:{0}:stream").int64 == 1)
            expectRefused(try await gateway.reply("EVAL", "return 1", "0"), "EVAL of new code")
        }
    }

    @Test func theDefaultUserIsOff() async throws {
        try await withACLRedis { redis in
            let anonymous = try RedisClient(url: "unix://\(redis.socketPath)")
            let reply = try await anonymous.reply("PING")
            #expect(reply.errorMessage?.hasPrefix("NOAUTH") == true, "\(reply)")
            let wrong = try redis.client("gateway", password: "not-the-password")
            await #expect(throws: RedisError.self) { try await wrong.send("PING") }
        }
    }
}
