import RedisClient
import RedisTestSupport
import Testing

@Suite("Redis Cluster routing", .serialized)
struct RedisClusterRoutingTests {
    @Test func commandsAndPipelinesSpanNodesInOrder() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let redis = try cluster.client()
            let p = RedisTestServer.uniquePrefix()
            let keys = (0..<60).map { "\(p):k\($0)" }
            #expect(Set(keys.map { ClusterKeySlot.slot(of: $0) }).count > 10)
            // One pipeline over every primary: writes, a keyless PING, an error reply, reads; in order.
            var commands = keys.enumerated().map { RedisCommand("SET", [$0.element, "v\($0.offset)"]) }
            commands.append(RedisCommand("PING", []))
            commands.append(RedisCommand("HGET", [keys[0], "f"]))  // WRONGTYPE: stays a value
            commands += keys.map { RedisCommand("GET", [$0]) }
            let replies = try await redis.pipeline(commands)
            #expect(replies.count == commands.count)
            #expect(replies.prefix(keys.count).allSatisfy { $0 == .status("OK") })
            #expect(replies[keys.count] == .status("PONG"))
            #expect(replies[keys.count + 1].errorMessage?.hasPrefix("WRONGTYPE") == true)
            #expect(Array(replies.suffix(keys.count)) == keys.indices.map { .bulk(Array("v\($0)".utf8)) })
            // Each key is on the primary that serves its slot.
            let primaries = try await cluster.primaryPorts()
            #expect(primaries.count == 3)
            var perNode = [Int: Int]()
            for key in keys {
                let owner = try await cluster.port(owningSlot: ClusterKeySlot.slot(of: key))
                #expect(try await cluster.node(owner).get(key) != nil)
                perNode[owner, default: 0] += 1
            }
            #expect(perNode.count == 3)
            // A plain redis:// client of one node is unchanged: it does not follow redirections.
            let elsewhere = try await cluster.keyServed(by: primaries[1], prefix: p)
            await #expect {
                try await cluster.node(primaries[0]).get(elsewhere)
            } throws: { error in
                (error as? RedisError)?.serverErrorPrefix == "MOVED"
            }
            // Single commands and helpers, concurrently, from one client.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, key) in keys.enumerated() {
                    group.addTask { () async throws -> Void in
                        #expect(try await redis.get(key) == "v\(index)")
                        #expect(try await redis.send("INCR", "\(key):n") == .integer(1))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await redis.send("PING") == .status("PONG"))
            // Keys of one hash tag go together, multi-key commands included.
            #expect(try await redis.send("MSET", "{\(p)}a", "1", "{\(p)}b", "2") == .status("OK"))
            #expect(try await redis.send("MGET", "{\(p)}a", "{\(p)}b") == .array([.bulk(Array("1".utf8)), .bulk(Array("2".utf8))]))
        }
    }

    @Test func crossSlotCommandsAreRefusedBeforeSending() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let redis = try cluster.client()
            let p = RedisTestServer.uniquePrefix()
            let a = "\(p):a"
            var b = "\(p):b"
            var n = 0
            while ClusterKeySlot.slot(of: b) == ClusterKeySlot.slot(of: a) { n += 1; b = "\(p):b\(n)" }
            try await redis.set(a, "1")
            try await redis.set(b, "2")
            let refused: [RedisCommand] = [
                RedisCommand("DEL", [a, b]),
                RedisCommand("FCALL", ["some_function", "2", a, b, "argument"]),
                RedisCommand("EVALSHA", [String(repeating: "0", count: 40), "2", a, b]),
                RedisCommand.xread(streams: [(key: a, id: "0"), (key: b, id: "0")]),
            ]
            for command in refused {
                await #expect {
                    try await redis.send(command)
                } throws: { error in
                    guard let error = error as? RedisError else { return false }
                    return error.code == .crossSlot && error.message.contains(command.name) && error.message.contains("hash tag")
                }
            }
            // A pipeline holding one refuses as a whole; nothing was sent.
            await #expect(throws: RedisError.self) { try await redis.pipeline([RedisCommand("SET", [a, "changed"]), RedisCommand("DEL", [a, b])]) }
            #expect(try await redis.get(a) == "1")
            #expect(try await redis.get(b) == "2")
        }
    }

    @Test func movedAfterASlotMovesIsFollowed() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let redis = try cluster.client()
            let primaries = try await cluster.primaryPorts()
            let source = primaries[0]
            let key = try await cluster.keyServed(by: source, prefix: RedisTestServer.uniquePrefix())
            let slot = ClusterKeySlot.slot(of: key)
            try await redis.set(key, "before")
            _ = try await redis.hset("\(key)-h", [("f", "1")])  // the map is known and routes to the source
            let target = primaries[1]
            try await cluster.migrateSlot(slot, to: target)
            #expect(try await cluster.port(owningSlot: slot) == target)
            // The stale map sends to the source, which answers MOVED; the client follows and learns.
            let movedAtFirst = try await cluster.errorCount("MOVED", on: source)
            #expect(try await redis.get(key) == "before")
            #expect(try await cluster.errorCount("MOVED", on: source) == movedAtFirst + 1)
            try await redis.set(key, "after")
            #expect(try await cluster.node(target).get(key) == "after")
            let replies = try await redis.pipeline([RedisCommand("GET", [key]), RedisCommand("PING", []), RedisCommand("SET", [key, "again"])])
            #expect(replies == [.bulk(Array("after".utf8)), .status("PONG"), .status("OK")])
            // After the refresh the source sees no more traffic for that slot.
            let movedBefore = try await cluster.errorCount("MOVED", on: source)
            for _ in 0..<20 { _ = try await redis.get(key) }
            #expect(try await cluster.errorCount("MOVED", on: source) == movedBefore)
        }
    }

    /// A call pinned to a key's node (a WAIT behind writes) follows no redirection: after a slot
    /// moved it fails `redirected` and refreshes the map, so the next call runs whole on the new owner
    /// (a WAIT answered by the old node would have vouched for writes it never had).
    @Test func aPipelinePinnedToAKeysNodeFailsRedirectedAfterTheSlotMoved() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let redis = try cluster.client()
            let primaries = try await cluster.primaryPorts()
            let source = primaries[0]
            let key = try await cluster.keyServed(by: source, prefix: RedisTestServer.uniquePrefix())
            let slot = ClusterKeySlot.slot(of: key)
            let pinned = [RedisCommand("SET", [key, "v"]), RedisCommand("WAIT", ["0", "10"], blockingMillis: 10)]
            let first = try await redis.pipeline(onNodeOf: key, pinned)
            #expect(first.first == .status("OK") && first.last?.int64 == 0, "\(first)")
            try await cluster.migrateSlot(slot, to: primaries[1])
            do throws(RedisError) {
                _ = try await redis.pipeline(onNodeOf: key, pinned)
                Issue.record("a pinned call went through a stale map")
            } catch {
                #expect(error.code == .redirected, "\(error)")
            }
            #expect(await eventually {
                (try? await redis.pipeline(onNodeOf: key, pinned))?.first == .status("OK")
            }, "the next call runs on the new owner")
            #expect(try await cluster.node(primaries[1]).get(key) == "v")
        }
    }

    /// A node that stops answering (paused here; SIGSTOPped in the outside attack, where the gateway
    /// answered 503 for 9 s after its replica was promoted) is asked last for the slot map: the refresh
    /// after its timeout comes from another node at once instead of waiting out another command timeout
    /// on it first, whichever place it had among the primaries (each is paused in turn).
    @Test func aNodeThatTimedOutIsAskedLastForTheSlotMap() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let timeout = Duration.milliseconds(1_500)
            let redis = try cluster.client(commandTimeout: timeout, maxAttempts: 2)
            for port in try await cluster.primaryPorts() {
                let admin = try cluster.node(port)
                let key = try await cluster.keyServed(by: port, prefix: RedisTestServer.uniquePrefix())
                _ = try await redis.get(key)
                _ = try await admin.send("CLIENT", "PAUSE", "4000", "ALL")
                do throws(RedisError) {
                    _ = try await redis.get(key)
                    Issue.record("a paused node answered")
                } catch {
                    #expect(error.code == .timeout, "\(error)")
                }
                // Asked first, the paused node would hold the refresh for a whole command timeout.
                let started = ContinuousClock.now
                _ = try await redis.nodeConfiguration(forKey: key, refreshing: true)
                let refresh = ContinuousClock.now - started
                #expect(refresh < timeout * 0.8, "the refresh took \(refresh): it asked node \(port) first")
                #expect(await eventually { (try? await admin.send("PING")) != nil })
                admin.close()
            }
        }
    }

    @Test func askDuringAHalfMigratedSlot() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let redis = try cluster.client()
            let primaries = try await cluster.primaryPorts()
            let tag = try await cluster.keyServed(by: primaries[0], prefix: RedisTestServer.uniquePrefix())
            let moved = "{\(tag)}:moved"
            let stays = "{\(tag)}:stays"
            let fresh = "{\(tag)}:fresh"
            let slot = ClusterKeySlot.slot(of: moved)
            try await redis.set(moved, "m")
            try await redis.set(stays, "s")
            let source = try await cluster.beginMigration(slot: slot, to: primaries[1])
            try await cluster.moveKeys([moved], inSlot: slot)
            // The source no longer has `moved`: it answers ASK, and the client asks the target.
            let asksBefore = try await cluster.errorCount("ASK", on: source)
            #expect(try await redis.get(moved) == "m")
            #expect(try await cluster.errorCount("ASK", on: source) == asksBefore + 1)
            #expect(try await redis.get(stays) == "s")
            try await redis.set(fresh, "f")  // absent on the source: created on the importing target
            let onTarget = try await cluster.node(primaries[1]).pipeline([RedisCommand("ASKING", []), RedisCommand("GET", [fresh])])
            #expect(onTarget.last == .bulk(Array("f".utf8)))
            // The map is unchanged: the source keeps serving the keys it still has, in a pipeline too.
            let replies = try await redis.pipeline([RedisCommand("GET", [stays]), RedisCommand("GET", [moved]), RedisCommand("GET", [fresh])])
            #expect(replies == [.bulk(Array("s".utf8)), .bulk(Array("m".utf8)), .bulk(Array("f".utf8))])
            #expect(try await cluster.errorCount("MOVED", on: source) == 0)
            #expect(try await cluster.port(owningSlot: slot) == source)
            try await cluster.finishMigration(slot: slot)
            #expect(try await redis.pipeline([RedisCommand("GET", [stays]), RedisCommand("GET", [fresh])]) == [.bulk(Array("s".utf8)), .bulk(Array("f".utf8))])
        }
    }

    @Test func tryAgainForAMultiKeyCommandMidMigrationIsBounded() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let redis = try cluster.client(maxAttempts: 5)
            let primaries = try await cluster.primaryPorts()
            let tag = try await cluster.keyServed(by: primaries[0], prefix: RedisTestServer.uniquePrefix())
            let a = "{\(tag)}:a"
            let b = "{\(tag)}:b"
            let slot = ClusterKeySlot.slot(of: a)
            try await redis.send("MSET", a, "1", b, "2")
            try await cluster.beginMigration(slot: slot, to: primaries[1])
            try await cluster.moveKeys([a], inSlot: slot)
            // The keys are split between the nodes: Redis answers TRYAGAIN; the client retries a bounded number of times.
            let clock = ContinuousClock()
            let started = clock.now
            await #expect {
                try await redis.send("MGET", a, b)
            } throws: { error in
                guard let error = error as? RedisError else { return false }
                return error.code == .connection && error.message.contains("TRYAGAIN")
            }
            #expect(clock.now - started < .seconds(10))
            #expect(try await cluster.errorCount("TRYAGAIN", on: primaries[0]) == 5)  // every attempt, no more
            // Once the migration completes the same call succeeds.
            try await cluster.finishMigration(slot: slot)
            #expect(try await redis.send("MGET", a, b) == .array([.bulk(Array("1".utf8)), .bulk(Array("2".utf8))]))
        }
    }

    @Test func functionsRunOnEveryPrimaryAfterLoad() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let redis = try cluster.client()
            let library = RedisFunctionLibrary(
                baseName: "clustertest", functionPrefix: "ct",
                functions: [.init("setget", "redis.call('SET', KEYS[1], ARGV[1])\nreturn redis.call('GET', KEYS[1])")],
                setupHint: "load it")
            let function = library.function("setget")
            try await redis.load(library)
            let primaries = try await cluster.primaryPorts()
            for port in primaries {
                #expect(try await cluster.node(port).libraryNames(matching: library.name) == [library.name])
                let key = try await cluster.keyServed(by: port, prefix: RedisTestServer.uniquePrefix())
                #expect(try await redis.call(function, keys: [key], arguments: ["on-\(port)"]).string == "on-\(port)")
                #expect(try await cluster.node(port).get(key) == "on-\(port)")
            }
            #expect(try await redis.loadedCode(ofLibrary: library.name) == library.code)
            // A primary that lost its functions gets the library again on the first FCALL that misses it.
            let lost = primaries[2]
            try await cluster.node(lost).send("FUNCTION", "FLUSH")
            let key = try await cluster.keyServed(by: lost, prefix: RedisTestServer.uniquePrefix())
            #expect(try await redis.call(function, keys: [key], arguments: ["reloaded"]).string == "reloaded")
            #expect(try await cluster.node(lost).libraryNames(matching: library.name) == [library.name])
        }
    }
}
