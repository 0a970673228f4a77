import RedisClient
import RedisTestSupport
import Testing

@Suite("Redis client against a real server")
struct RedisClientCommandTests {
    @Test func stringsHashesAndExpiry() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let p = RedisTestServer.uniquePrefix()
            #expect(try await redis.set("\(p):nonce", "1", onlyIfAbsent: true, expiry: .seconds(60)))
            #expect(try await redis.set("\(p):nonce", "2", onlyIfAbsent: true, expiry: .seconds(60)) == false)
            #expect(try await redis.get("\(p):nonce") == "1")
            let ttl = try await redis.send("PTTL", "\(p):nonce").int64 ?? -1
            #expect(ttl > 50_000 && ttl <= 60_000)

            #expect(try await redis.hset("\(p):job", [("status", "queued"), ("attempts", "0")]) == 2)
            #expect(try await redis.hincrby("\(p):job", "attempts", by: 2) == 2)
            #expect(try await redis.hgetall("\(p):job") == ["status": "queued", "attempts": "2"])
            #expect(try await redis.hget("\(p):job", "missing") == nil)
            #expect(try await redis.hgetall("\(p):absent") == [:])
            #expect(try await redis.expire("\(p):job", after: .seconds(30)))
            #expect(try await redis.expire("\(p):absent", after: .seconds(30)) == false)
            #expect(try await redis.del(["\(p):job", "\(p):nonce", "\(p):absent"]) == 2)
        }
    }

    @Test func sortedSets() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let key = RedisTestServer.uniquePrefix() + ":delayed"
            #expect(try await redis.zadd(key, [(score: 300, member: "c"), (score: 100, member: "a"), (score: 200, member: "b")]) == 3)
            #expect(try await redis.zrangeByScore(key, min: "-inf", max: "200") == ["a", "b"])
            #expect(try await redis.zrangeByScore(key, min: "-inf", max: "+inf", limit: (offset: 1, count: 1)) == ["b"])
            #expect(try await redis.zrem(key, ["a", "zz"]) == 1)
        }
    }

    @Test func streamsWithConsumerGroups() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let key = RedisTestServer.uniquePrefix() + ":stream"
            #expect(try await redis.xgroupCreate(key, group: "workers", startID: "0"))
            #expect(try await redis.xgroupCreate(key, group: "workers", startID: "0") == false)  // BUSYGROUP tolerated

            var ids = [String]()
            for n in 0..<5 {
                ids.append(try await redis.xadd(key, fields: [StreamField(name: "job_id", value: "j\(n)")], trim: .maxLength(1000)))
            }
            let read = try await redis.xreadgroup(group: "workers", consumer: "w1", streams: [(key, ">")], count: 3, block: .milliseconds(100))
            #expect(read.count == 1)
            #expect(read[0].stream == key)
            #expect(read[0].entries.map { $0["job_id"] } == ["j0", "j1", "j2"])

            let summary = try await redis.xpendingSummary(key, group: "workers")
            #expect(summary.count == 3)
            #expect(summary.consumers == ["w1": 3])
            #expect(summary.smallestID == ids[0])

            let pending = try await redis.xpending(key, group: "workers", count: 10, consumer: "w1")
            #expect(pending.map(\.id) == Array(ids[0..<3]))
            #expect(pending.allSatisfy { $0.deliveries == 1 && $0.consumer == "w1" })

            #expect(try await redis.xack(key, group: "workers", ids: [ids[0]]) == 1)
            #expect(try await redis.xack(key, group: "workers", ids: [ids[0]]) == 0)

            // w2 takes over w1's entries once they are idle long enough.
            try await Task.sleep(for: .milliseconds(30))
            let claimed = try await redis.xautoclaim(key, group: "workers", consumer: "w2", minIdle: .milliseconds(20), count: 10)
            #expect(claimed.entries.map(\.id) == [ids[1], ids[2]])
            #expect(claimed.nextStart == "0-0")
            // XCLAIM with min-idle 0 renews a lease; JUSTID keeps the delivery count.
            #expect(try await redis.xclaim(key, group: "workers", consumer: "w2", minIdle: .zero, ids: [ids[1]], justID: true) == [ids[1]])
            let afterClaim = try await redis.xpending(key, group: "workers", count: 10)
            #expect(afterClaim.map(\.consumer) == ["w2", "w2"])
            #expect(afterClaim.first?.deliveries == 2)

            let groups = try await redis.xinfoGroups(key)
            #expect(groups.map(\.name) == ["workers"])
            #expect(groups[0].pending == 2)
            #expect(groups[0].lag == 2)
            let info = try await redis.xinfoStream(key)
            #expect(info["length"]?.int64 == 5)

            #expect(try await redis.xrange(key, start: ids[3], end: "+").map(\.id) == [ids[3], ids[4]])
            let empty = try await redis.xreadgroup(group: "workers", consumer: "w1", streams: [(key, "0")], count: 10)
            #expect(empty.first?.entries.isEmpty == true)  // w1 no longer holds anything
            _ = try await redis.xadd(key, fields: [StreamField(name: "job_id", value: "j5")], trim: .minID(ids[2], approximate: false))
            #expect(try await redis.xrange(key).first?.id == ids[2])
        }
    }

    @Test func blockingReadTimesOutEmpty() async throws {
        try await withRedis { server in
            let redis = try server.client(commandTimeout: .seconds(2))
            let key = RedisTestServer.uniquePrefix() + ":empty"
            _ = try await redis.xgroupCreate(key, group: "g")
            // BLOCK longer than the command timeout works: the round trip's timeout grows by the BLOCK time.
            let read = try await redis.xreadgroup(group: "g", consumer: "c", streams: [(key, ">")], count: 1, block: .milliseconds(2_500))
            #expect(read.isEmpty)
        }
    }

    @Test func serverErrorsCarryRedisMessage() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let key = RedisTestServer.uniquePrefix()
            try await redis.set(key, "text")
            await #expect {
                try await redis.send("HSET", key, "f", "v")
            } throws: { error in
                let error = error as? RedisError
                return error?.code == .server && error?.serverErrorPrefix == "WRONGTYPE"
            }
            // A failing command in a pipeline does not hide the others.
            let replies = try await redis.pipeline([.get(key), RedisCommand("INCR", [key]), .get(key)])
            #expect(replies[0].string == "text")
            #expect(replies[1].errorMessage?.contains("not an integer") == true)
            #expect(replies[2].string == "text")
        }
    }

    @Test func functionsLoadTheirLibraryWhenRedisHasNone() async throws {
        try await withRedis { server in
            let redis = try server.client()
            let base = "t" + RedisTestServer.uniquePrefix().filter { $0.isLetter || $0.isNumber }
            let library = RedisFunctionLibrary(
                baseName: base, functionPrefix: base,
                functions: [.init("add", "return redis.call('INCRBY', KEYS[1], ARGV[1])")], setupHint: "load it")
            #expect(library.version.count == 12)
            #expect(library.name == "\(base)_\(library.version)")
            let add = library.function("add")
            #expect(add.name == "\(base)_\(library.version)_add")
            let key = RedisTestServer.uniquePrefix()
            #expect(try await redis.loadedCode(ofLibrary: library.name) == nil)
            #expect(try await redis.call(add, keys: [key], arguments: ["5"]) == .integer(5))  // loaded on "Function not found"
            #expect(try await redis.loadedCode(ofLibrary: library.name) == library.code)
            #expect(try await redis.call(add, keys: [key], arguments: ["2"]) == .integer(7))
            try await redis.load(library)  // already there: fine
            try await redis.send("FUNCTION", "DELETE", library.name)
            #expect(try await redis.call(add, keys: [key], arguments: ["1"]) == .integer(8))  // and again after it was removed
            try await redis.send("FUNCTION", "DELETE", library.name)
        }
    }

    @Test func aLibrarysVersionFollowsItsCode() {
        let one = RedisFunctionLibrary(baseName: "lib", functionPrefix: "f", functions: [.init("a", "return 1")], setupHint: "")
        let same = RedisFunctionLibrary(baseName: "lib", functionPrefix: "f", functions: [.init("a", "return 1")], setupHint: "")
        let other = RedisFunctionLibrary(baseName: "lib", functionPrefix: "f", functions: [.init("a", "return 2")], setupHint: "")
        #expect(one.name == same.name && one.code == same.code)
        #expect(one.name != other.name)
        #expect(one.function("a").name != other.function("a").name, "old and new code coexist during a rolling upgrade")
        #expect(one.code.hasPrefix("#!lua name=\(one.name)\n"))
    }

    @Test func selectsTheDatabaseFromTheURL() async throws {
        try await withRedis { server in
            guard server.isOwned else { return }
            let db3 = try RedisClient(url: server.url + "?db=3")
            let key = RedisTestServer.uniquePrefix()
            try await db3.set(key, "in-3")
            let db0 = try server.client()
            #expect(try await db0.get(key) == nil)
            #expect(try await db3.get(key) == "in-3")
        }
    }
}
