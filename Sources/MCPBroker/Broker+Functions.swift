import Logging
import RedisClient

extension Broker {
    /// Makes sure Redis has this build's function library (``BrokerFunctions/library``):
    /// checks it with `FUNCTION LIST`, loads it when missing and `load` is set.
    ///
    /// Throws a ``BrokerError/Code/functionLibrary`` error, whose message names the
    /// fix, when the library is missing and this user may not load it, or when
    /// Redis holds other code under this build's name and `replace` is off.
    @discardableResult
    public func prepareFunctions(load: Bool = true, replace: Bool = false) async throws(BrokerError) -> FunctionLibraryState {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let library = BrokerFunctions.library
            let current: String?
            do throws(RedisError) {
                current = try await redis.loadedCode(ofLibrary: library.name)
            } catch let error where error.serverErrorPrefix == "NOPERM" {
                throw RedisError(
                    code: .functionLibrary,
                    message: "this Redis user may not run FUNCTION LIST to check for the function library \(library.name) (\(error.message)); "
                        + "grant it `+function|list`, and `+fcall` on its keys instead of `+evalsha` (deploy/redis/users.acl of this release)")
            }
            switch current {
            case library.code?:
                return .present
            case .some:
                guard replace else {
                    throw RedisError(
                        code: .functionLibrary,
                        message: "Redis holds a function library named \(library.name) with other code than this build's; "
                            + "run `mcpctl redis setup --replace` as the `setup` or `admin` Redis user")
                }
                try await redis.load(library, replace: true)
                return .replaced
            case nil:
                guard load else {
                    throw RedisError(code: .functionLibrary, message: "Redis has no function library \(library.name): \(library.setupHint)")
                }
                try await redis.load(library)
                guard try await redis.loadedCode(ofLibrary: library.name) == library.code else {
                    throw RedisError(
                        code: .functionLibrary,
                        message: "another process loaded a function library named \(library.name) with other code; "
                            + "run `mcpctl redis setup --replace` as the `setup` or `admin` Redis user")
                }
                return .loaded
            }
        }
    }

    /// Deletes every other build's library (`mcpstreams_*` but this one), once no
    /// process of an older build runs; returns their names. Needs `FUNCTION DELETE` (the `admin` user).
    public func deleteOtherFunctionLibraries() async throws(BrokerError) -> [String] {
        return try await BrokerError.mapping { () async throws(RedisError) in
            let library = BrokerFunctions.library
            var deleted = [String]()
            for name in try await redis.libraryNames(matching: "mcpstreams_*") where name != library.name {
                try await redis.send("FUNCTION", "DELETE", name)
                deleted.append(name)
            }
            return deleted
        }
    }

    /// Startup check for gateway and worker: a Redis that answers must have this
    /// build's library (loaded here if this user may). A Redis that does not answer
    /// yet, or a server that answers but not in RESP (``startsWithout(_:)``), is left to the process's own reconnects (the first FCALL loads the
    /// library then, or fails with the same clear error).
    public static func prepareFunctions(connection: BrokerConnection, logger: Logger) async throws(BrokerError) {
        let client = RedisClient(configuration: connection.redis, logger: logger)
        defer { client.close() }
        let broker = Broker(redis: client, logger: logger)
        do {
            let state = try await broker.prepareFunctions()
            logger.info("Redis function library ready", metadata: ["redis.library": "\(BrokerFunctions.library.name)", "redis.library.state": "\(state)"])
        } catch let error where startsWithout(error) {
            warnStartingWithout(error, endpoint: connection.redis.endpoint, later: "the function library is checked on first use", logger: logger)
        }
    }
}
