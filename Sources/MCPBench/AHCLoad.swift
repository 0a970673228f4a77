import AsyncHTTPClient
import Histogram
import NIOCore
import NIOHTTP1
import NIOPosix

/// The same closed loop as ``LoadDriver`` but through AsyncHTTPClient, to
/// show what the generator itself costs with a general-purpose client
/// (`--generator ahc`).
struct AHCLoad: Sendable {
    let url: String
    let connections: Int

    /// Posts `bodies` from `connections` concurrent tasks over keep-alive connections until they run out or `limit` passes.
    func run(bodies: [ByteBuffer], limit: Duration) async throws -> LoadResult {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
        let cursor = LoadCursor(count: bodies.count)
        let start = NIODeadline.now().uptimeNanoseconds
        let stop = start + UInt64(limit.seconds * 1e9)
        var total = LoadResult()
        total.firstSendNanos = start
        do {
            total = try await withThrowingTaskGroup(of: LoadResult.self) { tasks in
                for _ in 0..<connections {
                    tasks.addTask {
                        var result = LoadResult()
                        while let index = cursor.next(), NIODeadline.now().uptimeNanoseconds < stop {
                            var request = HTTPClientRequest(url: url)
                            request.method = .POST
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.body = .bytes(bodies[index])
                            let sent = NIODeadline.now().uptimeNanoseconds
                            let response = try await client.execute(request, timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            let now = NIODeadline.now().uptimeNanoseconds
                            result.completed += 1
                            result.statuses[Int(response.status.code), default: 0] += 1
                            _ = result.latency.record(now - sent)
                            result.lastResponseNanos = max(result.lastResponseNanos, now)
                        }
                        return result
                    }
                }
                var merged = total
                for try await part in tasks {
                    merged.completed += part.completed
                    merged.statuses.merge(part.statuses, uniquingKeysWith: +)
                    merged.latency.add(part.latency)
                    merged.lastResponseNanos = max(merged.lastResponseNanos, part.lastResponseNanos)
                }
                return merged
            }
        } catch {
            try? await client.shutdown()
            try? await group.shutdownGracefully()
            throw error
        }
        try await client.shutdown()
        try await group.shutdownGracefully()
        return total
    }
}
