import MCPBroker
import RedisClient
import Testing

/// Keys under `prefix` outside the documented layout (``BrokerKeys/isDocumented(_:)``), scanned
/// on each node, for the partition count Redis records. A process that computes a key from a
/// corrupt value (a release-only miscompile once made a worker create `mcp:{140364363417440}:stream`)
/// or a test's stray write shows up here. Bounded: at most 10 000 SCAN calls per node.
func undocumentedKeys(on nodes: [RedisClient], prefix: String = "mcp") async throws -> [String] {
    var recorded = 1
    for node in nodes {  // on a cluster only the config key's own node answers; the others redirect
        if let text = try? await node.hget("\(prefix):config", "partitions"), let count = Int(text) { recorded = count }
    }
    let keys = BrokerKeys(prefix: prefix, partitioning: Partitioning(count: recorded) ?? .single)
    var found = [String]()
    for node in nodes {
        var cursor = "0"
        for _ in 0..<10_000 {
            let reply = try await node.send("SCAN", cursor, "MATCH", "\(prefix):*", "COUNT", "1000").array ?? []
            guard reply.count == 2, let next = reply[0].string else { break }
            found += (reply[1].array ?? []).compactMap(\.string).filter { !keys.isDocumented($0) }
            cursor = next
            if cursor == "0" { break }
        }
    }
    return found
}

/// Records an issue for every key outside the documented layout; Redis unreachable (a test stopped it) checks nothing.
func expectDocumentedKeys(on nodes: [RedisClient], prefix: String = "mcp") async {
    guard let junk = try? await undocumentedKeys(on: nodes, prefix: prefix) else { return }
    #expect(junk.isEmpty, "\(junk.count) keys outside the documented layout, e.g. \(junk.prefix(5))")
}
