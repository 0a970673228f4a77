import Foundation
import Logging
import RedisClient
import Synchronization

/// A throwaway `redis-server` for tests: unix socket in a temp dir, no
/// persistence, stopped with `SHUTDOWN NOSAVE` (SIGKILL as a fallback).
///
/// When `MCP_TEST_REDIS_URL` is set, tests use that server instead and this
/// type neither starts nor stops anything; tests then rely on unique key
/// prefixes (``RedisTestServer/uniquePrefix(_:)``) rather than flushing.
public final class RedisTestServer: Sendable {

    /// The URL clients connect to (`unix:///…/redis.sock` or `MCP_TEST_REDIS_URL`).
    public let url: String
    /// The temp directory holding the socket, log and any data (nil for an external server).
    public let directory: URL?
    /// Extra `redis-server` arguments this server was started with.
    public let extraArguments: [String]
    /// The loopback TCP port it also listens on (``url`` is then `redis://127.0.0.1:port`), if asked for.
    public let tcpPort: Int?
    private let process: Mutex<ChildProcess?>

    private init(url: String, directory: URL?, extraArguments: [String], tcpPort: Int? = nil) {
        self.url = url
        self.directory = directory
        self.extraArguments = extraArguments
        self.tcpPort = tcpPort
        process = Mutex(nil)
    }

    /// Starts a server (or wraps `MCP_TEST_REDIS_URL`). `extraArguments` are
    /// passed to `redis-server` as `--name value` pairs, e.g. `["--appendonly", "yes"]`.
    /// With `tcp`, clients connect over loopback TCP (as to the nodes of a
    /// ``RedisTestCluster``, for a like-for-like comparison) instead of the unix socket.
    public static func start(extraArguments: [String] = [], useExternal: Bool = true, tcp: Bool = false) async throws -> RedisTestServer {
        if useExternal, let external = ProcessInfo.processInfo.environment["MCP_TEST_REDIS_URL"], !external.isEmpty {
            return RedisTestServer(url: external, directory: nil, extraArguments: [])
        }
        var attempt = 0
        while true {  // a TCP port found free may be taken before the server binds it: try another
            attempt += 1
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-redis-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let port = tcp ? LoopbackPort.free(withCompanionOffset: 0) : nil
            if tcp && port == nil { throw RedisTestServerError("no free loopback TCP port for redis-server") }
            let url = port.map { "redis://127.0.0.1:\($0)" } ?? "unix://\(directory.path)/redis.sock"
            let server = RedisTestServer(url: url, directory: directory, extraArguments: extraArguments, tcpPort: port)
            do {
                try await StartGate.servers.pass { try await server.launch() }
                return server
            } catch let error as RedisTestServerError where tcp && attempt < 5 && error.description.contains("Address already in use") {
                await server.stop()
            }
        }
    }

    /// Whether this server was started here (and so can be stopped and restarted).
    public var isOwned: Bool { directory != nil }

    /// The path of the unix socket, for tools such as `redis-cli -s`.
    public var socketPath: String? { directory.map { $0.appendingPathComponent("redis.sock").path } }

    /// A new client for this server.
    public func client(commandTimeout: Duration = .seconds(2), logger: Logger = Logger(label: "test.redis")) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: url)
        configuration.commandTimeout = commandTimeout
        configuration.reconnectMaxBackoff = .milliseconds(200)
        return RedisClient(configuration: configuration, logger: logger)
    }

    /// A key prefix no other test uses, e.g. `test-3f2a…:`.
    public static func uniquePrefix(_ name: String = "test") -> String {
        "\(name)-\(UUID().uuidString.prefix(12).lowercased())"
    }

    /// Stops the server and starts it again on the same socket and directory.
    public func restart() async throws {
        guard isOwned else { throw RedisTestServerError("cannot restart an external server (MCP_TEST_REDIS_URL)") }
        await stop(removeDirectory: false)
        try await launch()
    }

    /// Stops the server: `SHUTDOWN NOSAVE`, then SIGKILL if it has not exited in 3 s.
    public func stop(removeDirectory: Bool = true) async {
        guard let process = takeProcess(), let socket = socketPath else { return }
        await Self.shutDown(socket: socket)
        if !(await process.waitForExit(timeout: .seconds(3))) {
            await process.killAndWait()
        }
        if removeDirectory, let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Kills the server with SIGKILL, as a crash would (no shutdown, no save), and waits until it is gone.
    public func crash() async {
        guard let process = takeProcess() else { return }
        await process.killAndWait()
    }

    deinit {
        // No waiting here: SIGKILL, and the directory goes.
        process.withLock { $0 }?.kill()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func takeProcess() -> ChildProcess? {
        process.withLock { process in
            defer { process = nil }
            return process
        }
    }

    private func launch() async throws {
        guard let directory, let socket = socketPath else { return }
        guard let binary = Self.locate("redis-server") else {
            throw RedisTestServerError("redis-server is not installed: run `make deps` (apt-get install redis-server) or set MCP_TEST_REDIS_URL")
        }
        try? FileManager.default.removeItem(atPath: socket)
        let started = try await ChildProcess(
            executableURL: URL(fileURLWithPath: binary),
            arguments: [
                "--port", String(tcpPort ?? 0), "--bind", "127.0.0.1", "--unixsocket", socket, "--unixsocketperm", "700",
                "--dir", directory.path, "--save", "", "--appendonly", "no",
                "--logfile", directory.appendingPathComponent("redis.log").path,
            ] + extraArguments,
            environment: [:], logDirectory: directory, name: "redis-server")
        process.withLock { $0 = started }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if !started.isRunning {
                let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
                throw RedisTestServerError("redis-server exited at start (status \(started.exitStatus)): \(log.suffix(600))")
            }
            if await Self.answersPing(socket: socket) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RedisTestServerError("redis-server did not answer PING on \(socket) within 10 s")
    }

    /// Whether a server listens on `socket` (PONG, or NOAUTH when it wants a password). A
    /// connection rather than a `redis-cli` process: hundreds of tests start servers at once.
    private static func answersPing(socket: String) async -> Bool {
        let client = probe(socket: socket)
        defer { client.close() }
        // QUIT: the server drops the probe's connection before answering anyone else, so a
        // test counting connected clients never sees it.
        guard let replies = try? await client.pipeline([RedisCommand("PING", []), RedisCommand("QUIT", [])]), let first = replies.first else {
            return false
        }
        if case .error(let message) = first { return message.hasPrefix("NOAUTH") }
        return first == .status("PONG")
    }

    /// `SHUTDOWN NOSAVE` over a connection (the server closes it instead of answering).
    private static func shutDown(socket: String) async {
        let client = probe(socket: socket)
        defer { client.close() }
        _ = try? await client.send("SHUTDOWN", "NOSAVE")
    }

    private static func probe(socket: String) -> RedisClient {
        var configuration = RedisConfiguration(endpoint: RedisEndpoint(address: .unix(path: socket)))
        configuration.connectTimeout = .seconds(1)
        configuration.commandTimeout = .seconds(3)
        var quiet = Logger(label: "test.redis.probe")
        quiet.logLevel = .critical  // refused until the server listens: expected, not worth a warning
        return RedisClient(configuration: configuration, logger: quiet)
    }

    /// `redis-cli`, from PATH or the usual Debian folder.
    public static var redisCLI: String { locate("redis-cli") ?? "/usr/bin/redis-cli" }

    /// Finds an executable on PATH or in the usual Debian folders.
    public static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/usr/sbin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a short command (bounded by `timeout`) and returns its standard output and error.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(30)) async throws -> String {
        let run = try await ProgramRun.run(executable, arguments, timeout: timeout)
        return run.output + run.errors
    }
}

/// Why a test Redis server could not be started or controlled.
public struct RedisTestServerError: Error, CustomStringConvertible {
    /// What went wrong and what to do.
    public let description: String
    init(_ description: String) { self.description = description }
}
