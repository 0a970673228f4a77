import MCPBroker
import RedisClient
import RedisTestSupport

extension BenchSystem {
    /// Keys under the system's prefix that are not in the documented layout
    /// (``BrokerKeys/isDocumented(_:)``), scanned on the server or every primary:
    /// how many, and the first few. A process that computes a key from a corrupt
    /// value shows up here (a release-only miscompile once made a worker create
    /// `mcp:{140364363417440}:stream`). Bounded: at most `maxRounds` SCAN calls per node.
    func undocumentedKeys(examples: Int = 5, maxRounds: Int = 100_000) async throws -> (count: Int, examples: [String]) {
        let nodes: [RedisClient]
        if let redisCluster {
            nodes = try redisPrimaryPorts.map { port throws in try redisCluster.node(port) }
        } else {
            nodes = [broker.redis]
        }
        var count = 0
        var found = [String]()
        for node in nodes {
            var cursor = "0"
            for _ in 0..<maxRounds {
                let reply = try await node.send("SCAN", cursor, "MATCH", "\(keys.prefix):*", "COUNT", "1000").array ?? []
                guard reply.count == 2, let next = reply[0].string else { break }
                for key in (reply[1].array ?? []).compactMap(\.string) where !keys.isDocumented(key) {
                    count += 1
                    if found.count < examples { found.append(key) }
                }
                cursor = next
                if cursor == "0" { break }
            }
        }
        return (count, found)
    }
}
