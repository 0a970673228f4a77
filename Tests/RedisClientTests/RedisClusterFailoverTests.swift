import RedisClient
import RedisTestSupport
import Testing

@Suite("Redis Cluster failover and blocking reads", .serialized)
struct RedisClusterFailoverTests {
    /// A primary SIGKILLed while a call is on its connection: that call fails with a connection error, the
    /// same client then works again once the replica is promoted, for keys of every node.
    @Test func killedPrimaryMidPipelineThenRecovers() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 1) { cluster in
            let redis = try cluster.client(commandTimeout: .seconds(5))
            let primaries = try await cluster.primaryPorts()
            let victim = primaries[0]
            let p = RedisTestServer.uniquePrefix()
            let keys = try await [
                cluster.keyServed(by: primaries[0], prefix: p), cluster.keyServed(by: primaries[1], prefix: p),
                cluster.keyServed(by: primaries[2], prefix: p),
            ]
            _ = try await redis.pipeline(keys.map { RedisCommand("SET", [$0, "before"]) })
            // Written again on the victim's own connection, then WAIT: its replica has the key before the crash.
            let acknowledged = try await cluster.node(victim).pipeline([RedisCommand("SET", [keys[0], "before"]), RedisCommand("WAIT", ["1", "5000"])])
            #expect(acknowledged.last == .integer(1))
            // A pipeline over all three nodes whose part on the victim blocks (BLPOP), so the kill lands mid-pipeline.
            let blocked = "{\(keys[0])}-list"
            let pipeline = Task {
                try await redis.pipeline(
                    keys.map { RedisCommand("GET", [$0]) } + [RedisCommand("BLPOP", [blocked, "10"], blockingMillis: 10_000)])
            }
            let blocking = await eventually(timeout: .seconds(10)) {
                (try? await cluster.info("blocked_clients", section: "clients", on: victim)) == "1"
            }
            #expect(blocking)
            let clock = ContinuousClock()
            let killed = clock.now
            let promoted = try await cluster.killPrimary(victim)
            let result = await pipeline.result
            #expect(throws: RedisError.self) { try result.get() }
            if case .failure(let error) = result { #expect((error as? RedisError)?.code == .connection) }
            // The same client, not recreated: once the replica is promoted, the very next call works for every
            // node's keys (the dead node's connection fails before sending, so the call waits for the new map).
            #expect(try await redis.pipeline(keys.map { RedisCommand("GET", [$0]) }) == keys.map { _ in .bulk(Array("before".utf8)) })
            print("cluster failover: replica \(promoted) serving \(clock.now - killed) after the kill")
            try await redis.set(keys[0], "after")
            #expect(try await cluster.node(promoted).get(keys[0]) == "after")
        }
    }

    /// With a primary gone and no replica to promote, the cluster answers CLUSTERDOWN: calls fail with a
    /// bounded `connection` error, as in an outage, never a hang.
    @Test func clusterDownIsABoundedConnectionError() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let redis = try cluster.client(commandTimeout: .seconds(30))  // a call that waited on a timeout would take 30 s
            let primaries = try await cluster.primaryPorts()
            let key = try await cluster.keyServed(by: primaries[1], prefix: RedisTestServer.uniquePrefix())
            try await redis.set(key, "1")
            try await cluster.kill(primaries[0])
            #expect(await eventually(timeout: .seconds(20)) {
                (try? await cluster.node(primaries[1]).send("CLUSTER", "INFO").string)?.contains("cluster_state:fail") == true
            })
            let clock = ContinuousClock()
            let started = clock.now
            await #expect {
                try await redis.get(key)
            } throws: { error in
                guard let error = error as? RedisError else { return false }
                return error.code == .connection && error.message.contains("CLUSTERDOWN")
            }
            #expect(clock.now - started < .seconds(10))
        }
    }

    /// Seeds where nothing listens: calls fail at once with a connection error naming what was tried.
    @Test func unreachableSeedsAreAFastConnectionError() async throws {
        var configuration = try RedisConfiguration(url: "redis+cluster://127.0.0.1:1,127.0.0.1:2")
        configuration.connectTimeout = .seconds(120)
        configuration.commandTimeout = .seconds(120)
        let redis = RedisClient(configuration: configuration)
        let clock = ContinuousClock()
        for _ in 0..<3 {
            let started = clock.now
            await #expect {
                try await redis.send("GET", "k")
            } throws: { error in
                guard let error = error as? RedisError else { return false }
                return error.code == .connection && error.message.contains("127.0.0.1:2")
            }
            #expect(clock.now - started < .seconds(60))
        }
    }

    /// An ACL user and password from the URL log in on every node.
    @Test func aclUserLogsInOnEveryNode() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            for server in cluster.servers {
                try await cluster.node(server.port).send("ACL", "SETUSER", "app", "on", ">app-pw", "~*", "+@all")
            }
            let seeds = cluster.seedURL.dropFirst("redis+cluster://".count)
            let url = "redis+cluster://app:app-pw@\(seeds)"
            let redis = try RedisClient(url: url)
            let p = RedisTestServer.uniquePrefix()
            let keys = (0..<30).map { "\(p):\($0)" }
            #expect(try await redis.pipeline(keys.map { RedisCommand("SET", [$0, "v"]) }).allSatisfy { $0 == .status("OK") })
            let wrong = try RedisClient(url: "redis+cluster://app:wrong-pw@\(seeds)")
            await #expect {
                try await wrong.send("GET", keys[0])
            } throws: { error in
                guard let error = error as? RedisError else { return false }
                return error.code == .authentication && !error.message.contains("wrong-pw")
            }
        }
    }

    /// A blocking read on a cluster client (its own client, as for one server) is routed by its stream's slot,
    /// gets its entry, and `interruptBlocking` ends a read in progress at once.
    @Test func blockingReadsAndInterrupt() async throws {
        try await withRedisCluster(primaries: 3, replicasPerPrimary: 0) { cluster in
            let writer = try cluster.client()
            let reader = try cluster.client()
            let stream = "{\(RedisTestServer.uniquePrefix())}:stream"
            try await writer.send(.xgroupCreate(stream, group: "g", startID: "0"))
            let read = RedisCommand.xreadgroup(group: "g", consumer: "c", streams: [(key: stream, id: ">")], count: 1, block: .seconds(5))
            let (first, later) = try await reader.pipeline([RedisCommand("XLEN", [stream])], then: [read])
            #expect(first == [.integer(0)])
            try await writer.send(.xadd(stream, fields: [StreamField(name: "n", value: "1")]))
            let delivered = try await later.get()
            #expect(delivered.first?.array?.isEmpty == false)
            // A read waiting on an empty stream is ended by interruptBlocking, long before its 10 s block.
            let clock = ContinuousClock()
            let waiting = Task {
                try await reader.send(.xreadgroup(group: "g", consumer: "c", streams: [(key: stream, id: ">")], count: 1, block: .seconds(10)))
            }
            let owner = try await cluster.port(owningSlot: ClusterKeySlot.slot(of: stream))
            #expect(await eventually(timeout: .seconds(10)) {
                (try? await cluster.info("blocked_clients", section: "clients", on: owner)) == "1"
            })
            let started = clock.now
            reader.interruptBlocking()
            await #expect(throws: RedisError.self) { try await waiting.value }
            #expect(clock.now - started < .seconds(5))
            #expect(try await reader.send("XLEN", stream) == .integer(1))
            // With no read running, an interrupt refuses the next blocking read once (as on one server).
            reader.interruptBlocking()
            let refusedAt = clock.now
            await #expect {
                try await reader.send(.xreadgroup(group: "g", consumer: "c", streams: [(key: stream, id: ">")], count: 1, block: .seconds(10)))
            } throws: { error in
                (error as? RedisError)?.code == .cancelled
            }
            #expect(clock.now - refusedAt < .seconds(5))
            try await writer.send(.xadd(stream, fields: [StreamField(name: "n", value: "2")]))
            let next = try await reader.send(.xreadgroup(group: "g", consumer: "c", streams: [(key: stream, id: ">")], count: 1, block: .seconds(5)))
            #expect(next.array?.isEmpty == false)
            // `first` on another node than the blocking `then`: each goes to its own node, `first` answered first.
            let otherNode = try await cluster.primaryPorts().first { $0 != owner } ?? owner
            let other = try await cluster.keyServed(by: otherNode, prefix: RedisTestServer.uniquePrefix())
            try await writer.set(other, "x")
            try await writer.send(.xadd(stream, fields: [StreamField(name: "n", value: "3")]))
            let split = try await reader.pipeline(
                [RedisCommand("GET", [other])],
                then: [.xreadgroup(group: "g", consumer: "c", streams: [(key: stream, id: ">")], count: 1, block: .seconds(5))])
            #expect(split.first == [.bulk(Array("x".utf8))])
            #expect(try await split.then.get().first?.array?.isEmpty == false)
        }
    }
}
