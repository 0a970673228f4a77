import CHiredis

/// A Lua script known by its SHA-1, run with EVALSHA.
///
/// The SHA-1 is computed locally, so the first call needs no SCRIPT LOAD
/// round trip; after a server restart or `SCRIPT FLUSH` the client loads the
/// script once on `NOSCRIPT` and retries.
public struct RedisScript: Sendable, Equatable {
    /// The Lua source.
    public let source: String
    /// The lower-case hex SHA-1 of the source, as Redis names it.
    public let sha1: String

    /// Creates a script from its Lua source.
    public init(_ source: String) {
        self.source = source
        var digest = [UInt8](repeating: 0, count: 20)
        let bytes = Array(source.utf8)
        let status = chiredis_sha1(bytes, bytes.count, &digest)
        precondition(status == 0, "SHA-1 from libcrypto failed")
        let hex: [Character] = Array("0123456789abcdef")
        sha1 = String(digest.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 0x0f)]] })
    }

    /// The EVALSHA command for these keys and arguments.
    public func evalsha(keys: [String], arguments: [String]) -> RedisCommand {
        RedisCommand("EVALSHA", [sha1, String(keys.count)] + keys + arguments)
    }
}

extension RedisClient {
    /// Runs a script with EVALSHA, loading it on `NOSCRIPT` and retrying once.
    @discardableResult
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String]) async throws(RedisError) -> RedisValue {
        let reply = try await pipeline([script.evalsha(keys: keys, arguments: arguments)])[0]
        if let message = reply.errorMessage, message.hasPrefix("NOSCRIPT") {
            try await load(script)
            return try await send(script.evalsha(keys: keys, arguments: arguments))
        }
        return try reply.orThrow()
    }

    /// Loads a script into the server's script cache (SCRIPT LOAD).
    public func load(_ script: RedisScript) async throws(RedisError) {
        let reply = try await send("SCRIPT", "LOAD", script.source)
        guard reply.string == script.sha1 else {
            throw RedisError(code: .unexpectedReply, message: "SCRIPT LOAD returned \(reply), expected \(script.sha1)")
        }
    }
}
