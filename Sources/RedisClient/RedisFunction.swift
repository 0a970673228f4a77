/// One function of a ``RedisFunctionLibrary``, run with `FCALL`.
///
/// `FCALL` costs what `EVALSHA` did (one command, keys declared up front, so
/// ACL key patterns and Redis Cluster slots apply to them), and it needs no
/// script-loading rights: the library is loaded once, by an administrator.
public struct RedisFunction: Sendable, Equatable {
    /// The name Redis registered (`mcp_1a2b3c4d5e6f_accept`).
    public let name: String
    /// The library that registers it, loaded when Redis does not have it and the caller may load it.
    public let library: RedisFunctionLibrary

    /// The FCALL command for these keys and arguments.
    public func fcall(keys: [String], arguments: [String]) -> RedisCommand {
        RedisCommand("FCALL", [name, String(keys.count)] + keys + arguments)
    }
}

extension RedisValue {
    /// Whether this is Redis's answer to `FCALL` of a function it does not have
    /// (`ERR Function not found`): the library was never loaded, or was lost
    /// with a restart without persistence or a `FUNCTION FLUSH`.
    public var isMissingFunction: Bool {
        errorMessage?.hasSuffix("Function not found") == true
    }
}
