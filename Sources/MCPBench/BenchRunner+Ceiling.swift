import Foundation
import MCPBroker
import MCPWire
import RedisClient

extension BenchRunner {
    /// `ceiling`: the gateway's accept function and a plain XADD run by `redis-benchmark` on the same Redis.
    func ceiling() async throws {
        let redis = system.broker.redis
        // One real request first: afterwards Redis has the broker's function library (the one imported here).
        let warmUp = try await driver.run(LoadPlan(
            host: system.host, port: system.port,
            requests: factory.requests(tool: "noop", args: JSONObject(), count: 1, label: "warmup"), connections: 1, pacing: .closed))
        let same = try await redis.loadedCode(ofLibrary: BrokerFunctions.library.name) == BrokerFunctions.library.code
        if warmUp.succeeded != 1 || !same {
            report.warnings.append("the warm-up request did not find the broker's function library; loading it for the ceiling row")
            try await system.broker.prepareFunctions(replace: true)
        }
        let envelope = String(decoding: Envelope(
            requestID: "req-ceiling", tsMs: JSONInteger(Int64(Date().timeIntervalSince1970 * 1000)), clientID: system.credentials.clientID,
            serverID: system.credentials.serverID, tool: "noop", args: JSONObject(), nonce: "nonce-ceiling"
        ).signed(with: HMACKey(secret: system.credentials.secret)).wireBytes(), as: UTF8.self)
        let prefix = "mcp-bench:{0}"
        let benchmark = RedisBenchmark(endpoint: system.redisEndpoint, clients: configuration.connections, requests: configuration.ceilingRequests)
        let accept = [
            "FCALL", BrokerFunctions.accept.name, "4",
            "\(prefix):nonce:__rand_int__", "\(prefix):req:__rand_int__", "\(prefix):job:__rand_int__", "\(prefix):stream",
            "600000", "job-__rand_int__", envelope, "noop", system.credentials.clientID, "req-__rand_int__",
            String(Int64(Date().timeIntervalSince1970 * 1000)), "", "async",
        ]
        let xadd = ["XADD", "\(prefix):xadd", "*", "job_id", "job-__rand_int__", "envelope", envelope, "attempt", "1"]
        for (variant, command) in [("accept FCALL c=\(configuration.connections)", accept), ("XADD c=\(configuration.connections)", xadd)] {
            progress("ceiling: \(variant)")
            let clock = PhaseClock(pids: pids)
            let (rate, line) = try await benchmark.run(command)
            if command == accept { ceilingRate = rate }
            report.rows.append(BenchRow(
                scenario: .ceiling, variant: variant, count: configuration.ceilingRequests, perSecond: rate,
                ofCeiling: command == accept ? 1 : rate / (ceilingRate ?? rate), generatorCPU: clock.childrenShare,
                notes: "\(line); CPU \(clock.processShares())"))
        }
        try await deleteKeys(matching: "\(prefix):*")
    }

    /// Removes keys matching a pattern (SCAN + UNLINK), e.g. what `ceiling` wrote.
    func deleteKeys(matching pattern: String) async throws {
        let redis = system.broker.redis
        var cursor = "0"
        repeat {
            let reply = try await redis.send("SCAN", cursor, "MATCH", pattern, "COUNT", "10000")
            let parts = reply.array ?? []
            cursor = parts.first?.string ?? "0"
            let keys = (parts.count > 1 ? parts[1].array ?? [] : []).compactMap(\.string)
            if !keys.isEmpty { try await redis.send(.init("UNLINK", keys)) }
        } while cursor != "0"
    }
}
