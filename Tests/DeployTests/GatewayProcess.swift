import NIOCore
import NIOHTTP1
import RedisTestSupport
import AsyncHTTPClient
import Foundation

/// A real `mcp-gateway` on a free port, started as one Redis ACL user.
struct GatewayProcess {
    let process: ChildProcess
    let url: String

    /// Starts the gateway and waits until it listens and `/readyz` answers 200.
    static func start(redisURL: String, keysFile: String, directory: URL, extraArguments: [String] = []) async throws -> GatewayProcess {
        let process = try await ChildProcess(
            executable: "mcp-gateway", arguments: ["--listen", "127.0.0.1:0", "--gateway-id", "acl-gateway"] + extraArguments,
            environment: ["MCP_REDIS_URL": redisURL, "MCP_KEYS_FILE": keysFile, "MCP_LOG_LEVEL": "debug"],
            logDirectory: directory, name: "gateway")
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(20)
        var url: String?
        while clock.now < deadline {
            if url == nil, let port = listeningPort(in: process.log) { url = "http://127.0.0.1:\(port)" }
            if let url, await status(of: url + "/readyz") == 200 { return GatewayProcess(process: process, url: url) }
            guard process.isRunning else { throw ACLRedisError("mcp-gateway exited at start:\n\(process.log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ACLRedisError("mcp-gateway was not ready within 20 s:\n\(process.log)")
    }

    /// The HTTP status of a GET, or nil if the gateway does not answer.
    static func status(of url: String) async -> UInt? {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) else { return nil }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return response.status.code
    }

    private static func listeningPort(in log: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("mcp-gateway listening") }),
              let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) else { return nil }
        return Int(line[range].split(separator: ":").last ?? "")
    }
}
