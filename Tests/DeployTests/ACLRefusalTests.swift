import MCPBroker
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

    /// A producer with a stream of its own may do anything XADD allows there (MAXLEN 0, explicit ids) and nothing
    /// anywhere else: the shared stream and other producers' streams are out of its reach.
    @Test func aProducerWithItsOwnStreamReachesOnlyThatStream() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let admin = try redis.client("admin")
            try await admin.send("XADD", "mcp:ingress", "*", "envelope", "{\"queued\":\"by another producer\"}")
            let billing = try redis.client("producer-billing")
            expectAllowed(try await billing.reply("XADD", "mcp:ingress:billing", "*", "envelope", "{}"), "XADD to its own stream")
            expectAllowed(try await billing.reply("XADD", "mcp:ingress:billing", "MAXLEN", "0", "*", "envelope", "{}"), "MAXLEN 0 on its own stream")
            expectRefused(try await billing.reply("XADD", "mcp:ingress", "MAXLEN", "0", "*", "envelope", "{}"), "MAXLEN 0 on the shared stream")
            expectRefused(try await billing.reply("XADD", "mcp:ingress:reports", "*", "envelope", "{}"), "XADD to another producer's stream")
            expectRefused(try await billing.reply("XTRIM", "mcp:ingress", "MAXLEN", "0"), "XTRIM of the shared stream")
            expectRefused(try await billing.reply("XADD", "mcp:ingress:rejected", "*", "code", "x"), "XADD to the reject stream")
            expectRefused(try await billing.reply("XRANGE", "mcp:ingress:billing", "-", "+"), "reading even its own stream")
            #expect(try await admin.send("XLEN", "mcp:ingress").int64 == 1, "what another producer queued is still there")
        }
    }

    @Test func monitorCountsButReadsNoJobContent() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let admin = try redis.client("admin")
            try await admin.send("HSET", Self.job, "result", "{\"secret\":1}", "envelope", "{\"args\":{}}")
            try await admin.send("XADD", "mcp:ingress", "*", "envelope", "{\"args\":{\"card\":\"4111\"}}")
            try await admin.send("XGROUP", "CREATE", "mcp:ingress", "gateways", "0")
            try await admin.send("XADD", "mcp:ingress:rejected", "*", "code", "malformed", "reason", "attacker text")
            try await admin.send("XADD", "mcp:{0}:dead", "*", "job_id", "x", "envelope", "{}")
            try await admin.send("HSET", "mcp:workers:w1", "host", "h", "pid", "1")
            try await admin.send("ZADD", "mcp:workers", "1", "w1")
            let monitor = try redis.client("monitor")
            // What KEDA's redis-streams scaler (lag, pending, length) and mcpctl stats read: counts only.
            expectAllowed(try await monitor.reply("PING"), "PING")
            expectAllowed(try await monitor.reply("INFO", "server"), "INFO (KEDA checks the Redis version)")
            for stream in ["mcp:{0}:stream", "mcp:ingress"] {
                expectAllowed(try await monitor.reply("XINFO", "GROUPS", stream), "XINFO GROUPS \(stream)")
                expectAllowed(try await monitor.reply("XLEN", stream), "XLEN \(stream)")
            }
            expectAllowed(try await monitor.reply("XINFO", "CONSUMERS", "mcp:{0}:stream", "workers"), "XINFO CONSUMERS")
            expectAllowed(try await monitor.reply("XPENDING", "mcp:{0}:stream", "workers"), "XPENDING summary")
            expectAllowed(try await monitor.reply("XPENDING", "mcp:{0}:stream", "workers", "-", "+", "10"), "XPENDING ids and idle times")
            expectAllowed(try await monitor.reply("XLEN", "mcp:{0}:dead"), "XLEN of the dead letters")
            expectAllowed(try await monitor.reply("XLEN", "mcp:ingress:rejected"), "XLEN of the rejects")
            expectAllowed(try await monitor.reply("ZCARD", "mcp:{0}:delayed"), "ZCARD of the retries")
            expectAllowed(try await monitor.reply("ZRANGEBYSCORE", "mcp:workers", "0", "+inf"), "live workers")
            expectAllowed(try await monitor.reply("HGETALL", "mcp:workers:w1"), "a worker's heartbeat")
            // No job's arguments or result, no envelope, no ingress payload, no rejected text.
            expectRefused(try await monitor.reply("HGET", Self.job, "result"), "HGET of a job's result")
            expectRefused(try await monitor.reply("HGET", Self.job, "envelope"), "HGET of a retried job's envelope (its args)")
            expectRefused(try await monitor.reply("HGETALL", Self.job), "HGETALL of a job")
            expectRefused(try await monitor.reply("HMGET", Self.job, "status", "result"), "HMGET of a job")
            expectRefused(try await monitor.reply("HSCAN", Self.job, "0"), "HSCAN of a job")
            expectRefused(try await monitor.reply("XRANGE", "mcp:{0}:stream", "-", "+"), "XRANGE of the job stream")
            expectRefused(try await monitor.reply("XREVRANGE", "mcp:{0}:stream", "+", "-"), "XREVRANGE of the job stream")
            expectRefused(try await monitor.reply("XREAD", "STREAMS", "mcp:{0}:stream", "0"), "XREAD of the job stream")
            expectRefused(try await monitor.reply("XINFO", "STREAM", "mcp:{0}:stream"), "XINFO STREAM (shows the first and last entries)")
            expectRefused(try await monitor.reply("XINFO", "STREAM", "mcp:{0}:stream", "FULL"), "XINFO STREAM FULL")
            expectRefused(try await monitor.reply("XRANGE", "mcp:ingress", "-", "+"), "XRANGE of the ingress stream")
            expectRefused(try await monitor.reply("XREAD", "STREAMS", "mcp:ingress", "0"), "XREAD of the ingress stream")
            expectRefused(try await monitor.reply("XINFO", "STREAM", "mcp:ingress"), "XINFO STREAM of the ingress stream")
            expectRefused(try await monitor.reply("XRANGE", "mcp:ingress:rejected", "-", "+"), "XRANGE of the rejects")
            expectRefused(try await monitor.reply("XRANGE", "mcp:{0}:dead", "-", "+"), "XRANGE of the dead letters")
            expectRefused(try await monitor.reply("GET", Self.request), "GET of an idempotency record")
            expectRefused(try await monitor.reply("DUMP", Self.job), "DUMP of a job")
            expectRefused(try await monitor.reply("SCAN", "0", "MATCH", "mcp:*"), "SCAN (key names carry client and request ids)")
            expectRefused(try await monitor.reply("FCALL", BrokerFunctions.accept.name, "0"), "FCALL")
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

    @Test func operatorReadsEverythingForTheRunbookAndWritesNothing() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let operatorUser = try redis.client("operator")
            expectAllowed(try await operatorUser.reply("HGETALL", Self.job), "HGETALL of a job")
            expectAllowed(try await operatorUser.reply("XRANGE", "mcp:{0}:stream", "-", "+"), "XRANGE of the job stream")
            expectAllowed(try await operatorUser.reply("SCAN", "0", "MATCH", "mcp:*"), "SCAN")
            expectRefused(try await operatorUser.reply("HSET", Self.job, "status", "done"), "HSET of a job")
            expectRefused(try await operatorUser.reply("XREADGROUP", "GROUP", "workers", "o", "STREAMS", "mcp:{0}:stream", ">"), "taking jobs")
            expectRefused(try await operatorUser.reply("GET", "other-app:secret"), "reading keys outside mcp:*")
            expectRefused(try await operatorUser.reply("KEYS", "*"), "KEYS")
            expectRefused(try await operatorUser.reply("FUNCTION", "LOAD", "#!lua name=evil\nredis.register_function('evil', function() return 1 end)"), "FUNCTION LOAD")
        }
    }

    @Test func setupMayOnlyLoadFunctions() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let setup = try redis.client("setup")
            expectAllowed(try await setup.reply("FUNCTION", "LIST"), "FUNCTION LIST")
            expectAllowed(try await setup.reply("FUNCTION", "LOAD", BrokerFunctions.library.code), "FUNCTION LOAD")
            expectRefused(try await setup.reply("FUNCTION", "FLUSH"), "FUNCTION FLUSH")
            expectRefused(try await setup.reply("FUNCTION", "DELETE", BrokerFunctions.library.name), "FUNCTION DELETE")
            expectRefused(try await setup.reply("HGETALL", Self.job), "reading a job")
            expectRefused(try await setup.reply("FCALL", BrokerFunctions.accept.name, "0"), "FCALL")
            expectRefused(try await setup.reply("EVAL", "return 1", "0"), "EVAL")
            expectRefused(try await setup.reply("FLUSHALL"), "FLUSHALL")
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

    @Test func gatewayRingsAPartitionsBellAndWorkerHearsIt() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            _ = try await Broker(redis: try redis.client("admin")).prepareFunctions()
            // As the worker user: subscribe to partition 0's bell (what a worker on a cluster does).
            let heard = AsyncStream<RedisPush>.makeStream(finishingAfter: .seconds(30))
            var configuration = try RedisConfiguration(url: redis.url(user: "worker"))
            configuration.onPush = { heard.continuation.yield($0) }
            let subscriber = RedisClient(configuration: configuration)
            defer { subscriber.close() }
            let bell = "mcp:{0}:bell"
            #expect(try await subscriber.send("SSUBSCRIBE", bell).array?.first?.string == "ssubscribe")
            expectRefused(try await subscriber.reply("SSUBSCRIBE", "mcp:{0}:other"), "SSUBSCRIBE to a channel that is no bell")
            // As the gateway user: accept rings the bell from inside the function (SPUBLISH in the partition's slot).
            let gateway = try redis.client("gateway")
            let accepted = try await gateway.send(RedisCommand("FCALL", [
                BrokerFunctions.accept.name, "4", Self.nonce, Self.request, "mcp:{0}:job:00000000000000000000000000000002", "mcp:{0}:stream",
                "60000", "00000000000000000000000000000002", "{}", "echo", "client-001", "r-1", "1", "", "async", "", bell,
            ]))
            #expect(accepted.array?.first?.string == "accepted", "\(accepted)")
            var pushes = heard.stream.makeAsyncIterator()
            #expect(await pushes.next() == .message(channel: bell))
            expectRefused(try await gateway.reply("SPUBLISH", "mcp:{0}:other", ""), "SPUBLISH outside the bells")
            expectRefused(try await redis.client("producer").reply("SPUBLISH", bell, ""), "a producer ringing a bell")
        }
    }

    @Test func gatewayAndWorkerCannotLoadOrRunCodeOfTheirOwn() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            try await redis.client("setup").send("FUNCTION", "LOAD", BrokerFunctions.library.code)
            let admin = try redis.client("admin")
            let sha = try #require(try await admin.send("SCRIPT", "LOAD", "return 1").string)
            let library = "#!lua name=evil\nredis.register_function('evil', function(KEYS, ARGV) return redis.call('DEL', KEYS[1]) end)"
            for user in ["gateway", "worker"] {
                let client = try redis.client(user)
                expectRefused(try await client.reply("EVAL", "return 1", "0"), "\(user): EVAL")
                expectRefused(try await client.reply("EVAL_RO", "return 1", "0"), "\(user): EVAL_RO")
                expectRefused(try await client.reply("EVALSHA", sha, "0"), "\(user): EVALSHA of a cached script")
                expectRefused(try await client.reply("SCRIPT", "LOAD", "return 1"), "\(user): SCRIPT LOAD")
                expectRefused(try await client.reply("FUNCTION", "LOAD", library), "\(user): FUNCTION LOAD")
                expectRefused(try await client.reply("FUNCTION", "LOAD", "REPLACE", BrokerFunctions.library.code), "\(user): FUNCTION LOAD REPLACE")
                expectRefused(try await client.reply("FUNCTION", "DELETE", BrokerFunctions.library.name), "\(user): FUNCTION DELETE")
                expectRefused(try await client.reply("FUNCTION", "FLUSH"), "\(user): FUNCTION FLUSH")
                expectRefused(try await client.reply("FUNCTION", "RESTORE", "x"), "\(user): FUNCTION RESTORE")
                expectAllowed(try await client.reply("FUNCTION", "LIST", "LIBRARYNAME", BrokerFunctions.library.name), "\(user): FUNCTION LIST")
            }
            #expect(try await admin.send("FUNCTION", "LIST", "LIBRARYNAME", "evil").array?.isEmpty == true)
        }
    }

    @Test func aFunctionCannotDoMoreThanItsCaller() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            let admin = try redis.client("admin")
            // Loaded by an administrator: it deletes its first key, or appends to the ingress stream with a `*` id.
            try await admin.send("FUNCTION", "LOAD", """
                #!lua name=probe
                redis.register_function('probe_del', function(KEYS, ARGV) return redis.call('DEL', KEYS[1]) end)
                redis.register_function('probe_ingress_add', function(KEYS, ARGV) return redis.call('XADD', KEYS[1], '*', 'envelope', ARGV[1]) end)
                """)
            // The gateway may FCALL with its job keys, but DEL inside the function is checked against its own rights.
            let gateway = try redis.client("gateway")
            let deleted = try await gateway.reply("FCALL", "probe_del", "1", Self.job)
            #expect(deleted.errorMessage?.contains("can't run this command") == true, "\(deleted)")
            #expect(try await admin.send("EXISTS", Self.job).int64 == 1)
            // So a function cannot stand in for XADD: a producer allowed only FCALL on mcp:ingress
            // cannot append through it either. Redis ACLs cannot stop a producer that has XADD from
            // trimming (MAXLEN 0) or choosing ids (deploy/redis/README.md, "producer").
            try await admin.send("ACL", "SETUSER", "fcall-producer", "on", ">pw", "resetkeys", "-@all", "~mcp:ingress", "+fcall")
            let fcallProducer = try redis.client("fcall-producer", password: "pw")
            let added = try await fcallProducer.reply("FCALL", "probe_ingress_add", "1", "mcp:ingress", "{}")
            #expect(added.errorMessage?.contains("can't run this command") == true, "\(added)")
            #expect(try await admin.send("EXISTS", "mcp:ingress").int64 == 0)
        }
    }

    @Test func jobsWrittenByFunctionsSurviveARestart() async throws {
        try await withACLRedis { redis in
            try await seed(redis)
            _ = try await Broker(redis: try redis.client("admin")).prepareFunctions()
            let job = "mcp:{0}:job:00000000000000000000000000000003"
            let accepted = try await redis.client("gateway").send(RedisCommand("FCALL", [
                BrokerFunctions.accept.name, "4", Self.nonce, Self.request, job, "mcp:{0}:stream",
                "600000", "00000000000000000000000000000003", "{}", "echo", "client-001", "r-1", "1", "", "async", "",
            ]))
            #expect(accepted.array?.first?.string == "accepted", "\(accepted)")
            // A clean restart replays the append-only file, where a function's writes are one MULTI … EXEC.
            _ = try? await RedisTestServer.run(RedisTestServer.redisCLI, [
                "-s", redis.socketPath, "--user", "admin", "--pass", ACLRedis.demoPasswords["admin"] ?? "", "--no-auth-warning", "SHUTDOWN",
            ], timeout: .seconds(10))
            try await redis.server.restart()
            let admin = try redis.client("admin")
            #expect(try await admin.send("HGET", job, "status").string == "queued", "the job hash is gone after a restart")
            #expect(try await admin.send("XLEN", "mcp:{0}:stream").int64 == 2)
            #expect(try await admin.send("EXISTS", Self.nonce, Self.request).int64 == 2, "the replay guard and idempotency record are gone")
            let log = try await admin.send("ACL", "LOG")
            #expect((log.array ?? []).isEmpty, "loading the AOF was refused: \(log)")
        }
    }

    @Test func theDefaultUserIsOff() async throws {
        try await withACLRedis { redis in
            let anonymous = try RedisClient(url: "unix://\(redis.socketPath)")
            let reply = try await anonymous.reply("PING")
            #expect(reply.errorMessage?.hasPrefix("NOAUTH") == true, "\(reply)")
            let wrong = try redis.client("gateway", password: "not-the-password")
            await #expect(throws: RedisError.self) { try await wrong.send("PING") }
            // Its permissions are for the AOF replay only: nobody can log in as it.
            let asDefault = try await anonymous.reply("AUTH", "default", "")
            #expect(asDefault.errorMessage?.hasPrefix("WRONGPASS") == true, "\(asDefault)")
        }
    }
}
