extension RedisClient {
    /// Runs a function with FCALL. When Redis does not have it, loads its library
    /// once (if this user may) and retries; otherwise throws a
    /// ``RedisError/Code/functionLibrary`` error that says how to load it.
    @discardableResult
    public func call(_ function: RedisFunction, keys: [String], arguments: [String]) async throws(RedisError) -> RedisValue {
        let command = function.fcall(keys: keys, arguments: arguments)
        guard let reply = try await pipeline([command]).first else {
            throw RedisError(code: .protocol, message: "no reply to FCALL \(function.name)")
        }
        if reply.isMissingFunction {
            try await load(function.library)
            return try await send(command)
        }
        return try reply.orThrow()
    }

    /// Loads a library with `FUNCTION LOAD` (`REPLACE` with `replace`), on every primary of a cluster. A library
    /// that another process loaded meanwhile counts as loaded. A user without
    /// `FUNCTION LOAD` gets a ``RedisError/Code/functionLibrary`` error naming the fix.
    public func load(_ library: RedisFunctionLibrary, replace: Bool = false) async throws(RedisError) {
        // On a cluster every primary needs the library: functions are per node (replicas get them by replication).
        let replies = try await executeOnEveryPrimary(RedisCommand("FUNCTION", replace ? ["LOAD", "REPLACE", library.code] : ["LOAD", library.code]))
        for reply in replies {
            guard let message = reply.errorMessage else { continue }
            if message.hasPrefix("ERR Library '") && message.hasSuffix("' already exists") { continue }
            if message.hasPrefix("NOPERM") {
                throw RedisError(
                    code: .functionLibrary,
                    message: "Redis has no function library \(library.name) and this Redis user may not load it (\(message)): \(library.setupHint)")
            }
            throw RedisError(code: .functionLibrary, message: "FUNCTION LOAD of \(library.name) failed: \(message)")
        }
    }

    /// The code Redis holds for the library `name` (`FUNCTION LIST LIBRARYNAME … WITHCODE`), `nil` if it has none.
    public func loadedCode(ofLibrary name: String) async throws(RedisError) -> String? {
        let reply = try await send("FUNCTION", "LIST", "LIBRARYNAME", name, "WITHCODE")
        guard let libraries = reply.array else {
            throw RedisError(code: .unexpectedReply, message: "FUNCTION LIST answered \(reply.shape), expected an array")
        }
        for library in libraries {
            let fields = RedisValue.pairs(library)
            if fields["library_name"]?.string == name { return fields["library_code"]?.string ?? "" }
        }
        return nil
    }

    /// Names of the loaded libraries whose name matches a glob `pattern` (`FUNCTION LIST LIBRARYNAME`).
    public func libraryNames(matching pattern: String) async throws(RedisError) -> [String] {
        let reply = try await send("FUNCTION", "LIST", "LIBRARYNAME", pattern)
        return (reply.array ?? []).compactMap { RedisValue.pairs($0)["library_name"]?.string }
    }
}
