import Foundation
import Logging
import RedisClient

/// A throwaway `redis-server` for tests: unix socket in a temp dir, no
/// persistence, stopped with `SHUTDOWN NOSAVE` (SIGKILL as a fallback).
///
/// When `MCP_TEST_REDIS_URL` is set, tests use that server instead and this
/// type neither starts nor stops anything; tests then rely on unique key
/// prefixes (``RedisTestServer/uniquePrefix(_:)``) rather than flushing.
public final class RedisTestServer: @unchecked Sendable {
    // @unchecked: `process` is replaced only by `restart()`/`stop()`, which tests call from one task.

    /// The URL clients connect to (`unix:///…/redis.sock` or `MCP_TEST_REDIS_URL`).
    public let url: String
    /// The temp directory holding the socket, log and any data (nil for an external server).
    public let directory: URL?
    /// Extra `redis-server` arguments this server was started with.
    public let extraArguments: [String]
    private var process: Process?

    private init(url: String, directory: URL?, extraArguments: [String], process: Process?) {
        self.url = url
        self.directory = directory
        self.extraArguments = extraArguments
        self.process = process
    }

    /// Starts a server (or wraps `MCP_TEST_REDIS_URL`). `extraArguments` are
    /// passed to `redis-server` as `--name value` pairs, e.g. `["--appendonly", "yes"]`.
    public static func start(extraArguments: [String] = [], useExternal: Bool = true) throws -> RedisTestServer {
        if useExternal, let external = ProcessInfo.processInfo.environment["MCP_TEST_REDIS_URL"], !external.isEmpty {
            return RedisTestServer(url: external, directory: nil, extraArguments: [], process: nil)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-redis-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = RedisTestServer(url: "unix://\(directory.path)/redis.sock", directory: directory, extraArguments: extraArguments, process: nil)
        try server.launch()
        return server
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
    public func restart() throws {
        guard isOwned else { throw RedisTestServerError("cannot restart an external server (MCP_TEST_REDIS_URL)") }
        stop(removeDirectory: false)
        try launch()
    }

    /// Stops the server: `SHUTDOWN NOSAVE`, then SIGKILL if it has not exited in 3 s.
    public func stop(removeDirectory: Bool = true) {
        guard let process, let socket = socketPath else { return }
        self.process = nil
        _ = try? Self.run(Self.locate("redis-cli") ?? "/usr/bin/redis-cli", ["-s", socket, "SHUTDOWN", "NOSAVE"])
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        while process.isRunning { usleep(5_000) }
        if removeDirectory, let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Kills the server with SIGKILL, as a crash would (no shutdown, no save).
    public func crash() {
        guard let process else { return }
        self.process = nil
        kill(process.processIdentifier, SIGKILL)
        while process.isRunning { usleep(5_000) }
    }

    deinit {
        stop()
    }

    private func launch() throws {
        guard let directory, let socket = socketPath else { return }
        guard let binary = Self.locate("redis-server") else {
            throw RedisTestServerError("redis-server is not installed: run `make deps` (apt-get install redis-server) or set MCP_TEST_REDIS_URL")
        }
        try? FileManager.default.removeItem(atPath: socket)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--port", "0", "--unixsocket", socket, "--unixsocketperm", "700",
            "--dir", directory.path, "--save", "", "--appendonly", "no",
            "--logfile", directory.appendingPathComponent("redis.log").path,
        ] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if !process.isRunning {
                let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
                throw RedisTestServerError("redis-server exited at start (status \(process.terminationStatus)): \(log.suffix(600))")
            }
            if let reply = try? Self.run(Self.locate("redis-cli") ?? "/usr/bin/redis-cli", ["-s", socket, "PING"]), reply.contains("PONG") || reply.contains("NOAUTH") {
                return
            }
            usleep(10_000)
        }
        throw RedisTestServerError("redis-server did not answer PING on \(socket) within 10 s")
    }

    /// Finds an executable on PATH or in the usual Debian folders.
    public static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/usr/sbin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a short command and returns its standard output.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        while process.isRunning { usleep(1_000) }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Why a test Redis server could not be started or controlled.
public struct RedisTestServerError: Error, CustomStringConvertible {
    /// What went wrong and what to do.
    public let description: String
    init(_ description: String) { self.description = description }
}
