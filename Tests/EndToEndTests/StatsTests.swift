import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// `mcpctl stats` against a live deployment: every number it prints is the
/// one Redis holds, jobs/s follows real traffic, and `--watch` keeps redrawing.
@Suite("mcpctl stats", .serialized)
struct StatsTests {
    static func parse(_ line: Substring) throws -> JSONObject {
        try #require(try JSONParser.parse(Array(line.utf8)).objectValue)
    }

    static func int(_ value: JSONValue?) -> Int64? { value?.int64Value }

    @Test func numbersMatchRedis() async throws {
        try await withDeployment(workerArguments: ["--enable-test-tools"]) { system in
            let client = system.client()
            let redis = try system.inspector()
            for index in 0..<3 { _ = try await client.call("echo", args: ["message": .string("job \(index)")]) }
            let dead = try #require(try await client.call("simulate", args: ["fail_attempts": 5]).jobID)
            try await redis.xadd("mcp:ingress", fields: [StreamField(name: "envelope", value: "not json")])
            #expect(await eventually(timeout: .seconds(20)) { (try? await system.jobHash(dead))?["dead"] == "1" })
            // Started once the rest is settled: 20 s is far longer than reaching the freeze below takes.
            let running = try #require(try await client.call("start_long_task", args: ["seconds": 20]).jobID)
            #expect(await eventually { (try? await system.jobHash(running))?["status"] == "running" })
            #expect(await eventually { (try? await redis.send("XLEN", "mcp:ingress:rejected").int64) == 1 })
            let workerID = try #require(try await redis.send("ZRANGE", "mcp:workers", "0", "-1").array?.first?.string)
            #expect(await eventually(timeout: .seconds(30)) { (try? await redis.hget("mcp:workers:\(workerID)", "in_flight")) == "1" })
            // Freeze the only writer (trims, heartbeats, lease renewals) so mcpctl and this test read the same state.
            system.workers[0].signal(SIGSTOP)
            defer { system.workers[0].signal(SIGCONT) }

            let (status, output) = try await system.mcpctl(["stats", "--json", "--sample", "0"])
            #expect(status == 0, "\(output)")
            let stats = try Self.parse(try #require(output.split(separator: "\n").last))

            let group = try #require(try await redis.xinfoGroups("mcp:{0}:stream").first { $0.name == "workers" })
            let pending = try await redis.xpendingSummary("mcp:{0}:stream", group: "workers")
            let stream = try await redis.xinfoStream("mcp:{0}:stream")
            #expect(Self.int(stats["pending"]) == Int64(pending.count))
            #expect(pending.count == 1)
            #expect(Self.int(stats["lag"]) == Int64(group.lag ?? -1))
            #expect(Self.int(stats["backlog"]) == Int64((group.lag ?? 0) + group.pending))
            #expect(Self.int(stats["entries_added"]) == stream["entries-added"]?.int64)
            #expect(Self.int(stats["stream_length"]) == stream["length"]?.int64)
            #expect(Self.int(stats["dead_letters"]) == (try await redis.send("XLEN", "mcp:{0}:dead").int64))
            #expect(Self.int(stats["dead_letters"]) == 1)
            #expect(Self.int(stats["retries_waiting"]) == (try await redis.send("ZCARD", "mcp:{0}:delayed").int64))
            let ingress = try #require(stats["ingress"]?.objectValue)
            #expect(Self.int(ingress["rejected"]) == 1)
            #expect(Self.int(ingress["pending"]) == 0)
            #expect(Self.int(ingress["lag"]) == 0)

            let consumers = try #require(stats["consumers"]?.arrayValue)
            #expect(consumers.count == 1)
            #expect(consumers.first?.objectValue?["name"]?.stringValue == workerID)
            #expect(Self.int(consumers.first?.objectValue?["pending"]) == Int64(pending.consumers[workerID] ?? -1))
            let workers = try #require(stats["workers"]?.arrayValue)
            #expect(workers.count == 1)
            let worker = try #require(workers.first?.objectValue)
            let beat = try await redis.hgetall("mcp:workers:\(workerID)")
            #expect(worker["id"]?.stringValue == workerID)
            #expect(Self.int(worker["in_flight"]) == Int64(beat["in_flight"] ?? ""))
            #expect(Self.int(worker["concurrency"]) == Int64(beat["concurrency"] ?? ""))
            #expect(Self.int(worker["pid"]) == Int64(system.workers[0].pid))

            // The screen for people shows the same numbers.
            let (textStatus, text) = try await system.mcpctl(["stats", "--sample", "0"])
            #expect(textStatus == 0, "\(text)")
            #expect(text.contains("backlog        1  (lag 0 not yet read, pending 1 read and unacknowledged)"), "\(text)")
            #expect(text.contains("dead letters   1"), "\(text)")
            #expect(text.contains("rejected 1"), "\(text)")
            #expect(text.contains("live workers: 1  (in flight 1/8)"), "\(text)")
            #expect(text.contains(workerID), "\(text)")
        }
    }

    @Test func jobsPerSecondFollowsTraffic() async throws {
        try await withDeployment { system in
            let client = system.client()
            // Redis reports a group's read counter (`entries-read`) as unknown until the group has delivered
            // an entry: one job first, so both readings of the sample can count.
            let first = try #require(try await client.call("noop").jobID)
            #expect(await eventually(timeout: .seconds(30)) { (try? await client.poll(jobID: first))?.response.status == .done })
            let stats = try await ChildProcess(
                executable: "mcpctl", arguments: ["stats", "--json", "--sample", "2", "--redis", system.redis.url],
                environment: [:], logDirectory: system.directory, name: "stats")
            var submitted = 0
            while stats.isRunning {  // submit steadily for as long as the sample lasts
                _ = try await client.call("noop")
                submitted += 1
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(stats.exitStatus == 0, "\(stats.log)")
            let reading = try Self.parse(try #require(stats.log.split(separator: "\n").last))
            let rates = try #require(reading["rates"]?.objectValue, "\(stats.log)")
            let window = try #require(rates["window_s"]?.doubleValue)
            let published = try #require(rates["published_per_s"]?.doubleValue)
            let acked = try #require(rates["acked_per_s"]?.doubleValue)
            #expect(window >= 1.9 && window < 3, "\(window)")
            // How many jobs a loaded machine submits in the window varies (one run saw 2.9/s): the rates must see
            // traffic (an idle system reads 0) and never more than was submitted.
            #expect(published > 0, "\(published)/s with \(submitted) jobs submitted")
            #expect(published * window <= Double(submitted) + 0.5, "\(published)/s over \(window) s but only \(submitted) submitted")
            #expect(acked > 0 && acked * window <= Double(submitted) + 0.5, "\(acked)/s")
        }
    }

    /// Each node's `maxmemory-policy` is on the screen and in the JSON; a policy that may evict
    /// the deployment's keys is a warning line.
    @Test func theEvictionPolicyIsShownAndAnEvictingOneWarned() async throws {
        try await withDeployment(gateways: 0, workers: 0) { system in
            let (status, output) = try await system.mcpctl(["stats", "--json", "--sample", "0"])
            #expect(status == 0, "\(output)")
            let line = try #require(output.split(separator: "\n").last)
            let policies = try #require(try Self.parse(line)["maxmemory_policy"]?.objectValue)
            #expect(policies.count == 1 && policies.keys.first.flatMap { policies[$0] } == .string("noeviction"), "\(output)")
            let (_, safe) = try await system.mcpctl(["stats", "--sample", "0"])
            #expect(safe.contains("redis          maxmemory-policy noeviction") && !safe.contains("WARNING"), "\(safe)")

            _ = try await system.inspector().send("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
            let (_, evicting) = try await system.mcpctl(["stats", "--sample", "0"])
            #expect(evicting.contains("WARNING") && evicting.contains("maxmemory-policy allkeys-lru: under memory pressure"), "\(evicting)")
        }
    }

    @Test func watchRedrawsUntilStopped() async throws {
        try await withDeployment { system in
            let watch = try await ChildProcess(
                executable: "mcpctl", arguments: ["stats", "--watch", "0.2", "--json", "--redis", system.redis.url],
                environment: [:], logDirectory: system.directory, name: "watch")
            #expect(await eventually(timeout: .seconds(30)) { watch.log.split(separator: "\n").count >= 3 }, "\(watch.log)")
            #expect(watch.isRunning)
            for line in watch.log.split(separator: "\n") {
                #expect(try Self.parse(line)["rates"]?.objectValue != nil, "\(line)")
            }
            watch.signal(SIGINT)
            #expect(await watch.waitForExit(timeout: .seconds(5)))

            let (status, output) = try await system.mcpctl(["stats", "5"])
            #expect(status != 0)
            #expect(output.contains("--watch"), "\(output)")
        }
    }
}
