import Foundation
import RedisTestSupport
import Testing

/// A `redis://` URL that points at a server answering something that is not RESP (another service on
/// the port) is treated at start as an unreachable Redis is: gateway and worker start, warn naming the
/// endpoint, and keep trying, as they do when the same happens at run time (docs/operations.md, "Redis is down").
@Suite("A server that does not speak Redis at start")
struct NotRedisAtStartTests {
    /// Listens on a free port, prints `port N`, and answers every read with bytes that are not RESP.
    static let notRedis = """
        import socket, threading
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        print("port", server.getsockname()[1], flush=True)
        def serve(conn):
            try:
                while conn.recv(65536):
                    conn.sendall(b"]this is not redis\\r\\n")
            except OSError:
                pass
            finally:
                conn.close()
        while True:
            conn, _ = server.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
        """

    @Test func gatewayAndWorkerStartAndWarnNamingTheEndpoint() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-not-redis-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let listener = try await ChildProcess(
            executableURL: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["python3", "-c", Self.notRedis],
            environment: [:], logDirectory: directory, name: "not-redis")
        defer { listener.kill() }
        let clock = ContinuousClock()
        var port: Int?
        let found = clock.now + .seconds(20)
        while port == nil, clock.now < found, listener.isRunning {
            port = listener.log.split(separator: "\n").first { $0.hasPrefix("port ") }.flatMap { Int($0.dropFirst(5)) }
            if port == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let url = "redis://127.0.0.1:\(try #require(port, "the listener did not start: \(listener.log)"))/0"
        let keys = directory.appendingPathComponent("keys.json")
        try #"{"server_id": "mcp-server-test", "server_secret": "hex:00112233445566778899aabbccddeeff", "clients": {"c": {"secret": "hex:0011223344556677", "tools": ["*"]}}}"#
            .write(to: keys, atomically: true, encoding: .utf8)

        let gateway = try await ChildProcess(
            executable: "mcp-gateway", arguments: ["--redis", url, "--keys", keys.path, "--listen", "127.0.0.1:0"],
            environment: ["MCP_LOG_LEVEL": "info"], logDirectory: directory, name: "gateway")
        defer { gateway.kill() }
        let worker = try await ChildProcess(
            executable: "mcp-worker", arguments: ["--redis", url], environment: ["MCP_LOG_LEVEL": "info"], logDirectory: directory, name: "worker")
        defer { worker.kill() }

        var gatewayURL: String?
        let listening = clock.now + .seconds(20)
        while gatewayURL == nil, clock.now < listening, gateway.isRunning {
            gatewayURL = Deployment.listeningPort(in: gateway.log).map { "http://127.0.0.1:\($0)" }
            if gatewayURL == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let served = try #require(gatewayURL, "mcp-gateway did not start listening:\n\(gateway.log)")
        // The old gateway exited a second after its start-up checks; both must outlive several reconnects.
        try await Task.sleep(for: .seconds(3))
        #expect(gateway.isRunning, "mcp-gateway exited:\n\(gateway.log)")
        #expect(worker.isRunning, "mcp-worker exited:\n\(worker.log)")
        for (name, log) in [("gateway", gateway.log), ("worker", worker.log)] {
            #expect(log.contains("the server at \(url) does not speak Redis"), "\(name):\n\(log)")
        }
        // Served as while Redis is down: alive, not ready.
        #expect(try await HTTP.get(served + "/healthz").0 == 200)
        let (ready, body) = try await HTTP.get(served + "/readyz")
        #expect(ready == 503, "\(body)")
    }
}
