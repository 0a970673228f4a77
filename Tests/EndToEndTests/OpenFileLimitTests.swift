import Foundation
import RedisTestSupport
import Testing

/// The gateway serves no more connections than its open-file limit leaves room for: past the
/// limit SwiftNIO retried `accept` in a busy loop and libdispatch's thread monitor, unable to
/// open `/proc`, stopped the process with an illegal instruction (an outside attack: `ulimit -n
/// 64` and 500 connections). Limits are set with util-linux's `prlimit` on the real executable.
@Suite("Open-file limit")
struct OpenFileLimitTests {
    /// A limit that leaves no room beside the descriptors kept for Redis and the process is refused at start.
    @Test func aLimitWithNoRoomForConnectionsIsRefusedAtStart() async throws {
        let gateway = ChildProcess.binaryFolder.appendingPathComponent("mcp-gateway").path
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-nofile-\(UUID().uuidString.prefix(8)).json")
        try #"{"server_id": "srv", "server_secret": "hex:11111111111111111111111111111111", "clients": {"c1": {"secret": "hex:22222222222222222222222222222222", "tools": ["*"]}}}"#.write(to: keys, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keys) }
        let run = try await ProgramRun.run(
            "/usr/bin/prlimit", ["--nofile=100:100", gateway, "--redis", "redis://127.0.0.1:1", "--keys", keys.path], timeout: .seconds(20))
        #expect(run.status == 1, "\(run.errors)")
        #expect(run.errors.contains("the open-file limit is 100 (hard 100)"), "\(run.errors)")
        // Below the threshold the message names, too: room for 12 connections is refused, "at least 144".
        let short = try await ProgramRun.run(
            "/usr/bin/prlimit", ["--nofile=140:140", gateway, "--redis", "redis://127.0.0.1:1", "--keys", keys.path], timeout: .seconds(20))
        #expect(short.status == 1 && short.errors.contains("to at least 144"), "\(short.errors)")
    }

    /// 300 connections at once (each asking to close after its answer) through a limit of 200
    /// descriptors: the gateway takes 72 at a time, the others wait in the listen backlog, every
    /// one is answered, and no descriptor ever runs out.
    @Test func connectionsPastTheLimitWaitTheirTurn() async throws {
        try await withDeployment(gateways: 0) { system in
            try await system.startGateway(launcher: ["/usr/bin/prlimit", "--nofile=200:200"])
            let gateway = try #require(system.gateways.first)
            #expect(gateway.process.log.contains("connections.served=72"), "\(gateway.process.log)")
            let port = try #require(gateway.url.split(separator: ":").last.map(String.init))
            let run = try await ExternalProgram.run("python3", ["-c", Self.manyConnections, port, "300"], in: system.directory, timeout: .seconds(120))
            #expect(run.output.trimmingCharacters(in: .whitespacesAndNewlines) == "300 answered", "\(run.output) \(run.errors)")
            #expect(gateway.process.isRunning)
            #expect(!gateway.process.log.contains("Too many open files"), "\(gateway.process.log.suffix(2000))")
        }
    }

    static let manyConnections = """
        import socket, sys
        port, count = int(sys.argv[1]), int(sys.argv[2])
        held = []
        for _ in range(count):
            c = socket.create_connection(("127.0.0.1", port))
            c.sendall(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n")
            held.append(c)
        answered = 0
        for c in held:
            c.settimeout(60)
            data = b""
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
            answered += data.startswith(b"HTTP/1.1 200")
            c.close()
        print(answered, "answered")
        """
}
