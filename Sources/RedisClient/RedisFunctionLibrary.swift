/// A Lua function library for Redis Functions (Redis 7): one `FUNCTION LOAD`
/// registers every function, Redis keeps it in its RDB/AOF and replicates it,
/// and callers run its functions with `FCALL` (see ``RedisFunction``).
///
/// The library's name and every function's name carry a version derived
/// from the code (`mcpstreams_1a2b3c4d5e6f`, `mcp_1a2b3c4d5e6f_accept`), so a
/// build never runs another build's code under the same name, and during a
/// rolling upgrade the old and the new library live side by side.
///
/// Loading a library is a privileged step: a user that may `FCALL` only runs
/// what an administrator loaded, and every command inside a function is
/// checked against the caller's own ACL.
public struct RedisFunctionLibrary: Sendable, Equatable {
    /// One function's Lua body: the code between `function(KEYS, ARGV)` and `end`.
    public struct Source: Sendable, Equatable {
        /// The short name (`accept`); Redis knows it as `<prefix>_<version>_<name>`.
        public let name: String
        /// Lua statements; `KEYS` and `ARGV` are the function's two parameters, as in EVAL.
        public let body: String

        /// Creates a function source.
        public init(_ name: String, _ body: String) {
            self.name = name
            self.body = body
        }
    }

    /// The library's name in Redis, version included (`mcpstreams_1a2b3c4d5e6f`).
    public let name: String
    /// 12 hex digits derived from the function names and bodies.
    public let version: String
    /// The full `FUNCTION LOAD` payload, starting with `#!lua name=…`.
    public let code: String
    /// What an operator must do when the library is missing and the caller may not load it.
    public let setupHint: String
    private let functionPrefix: String

    /// Builds a library named `<baseName>_<version>` whose functions are `<functionPrefix>_<version>_<name>`.
    public init(baseName: String, functionPrefix: String, functions: [Source], setupHint: String) {
        var fingerprint = FNV1a64()
        for function in functions {
            fingerprint.add(function.name)
            fingerprint.add("\n")
            fingerprint.add(function.body)
            fingerprint.add("\n")
        }
        let version = fingerprint.hex.prefix(12)
        self.version = String(version)
        self.name = "\(baseName)_\(version)"
        self.functionPrefix = "\(functionPrefix)_\(version)_"
        self.setupHint = setupHint
        var code = "#!lua name=\(baseName)_\(version)\n"
        for function in functions {
            code += "redis.register_function('\(functionPrefix)_\(version)_\(function.name)', function(KEYS, ARGV)\n"
            code += function.body
            code += "\nend)\n"
        }
        self.code = code
    }

    /// The function registered under `name` (the short name given to ``Source``).
    public func function(_ name: String) -> RedisFunction {
        RedisFunction(name: functionPrefix + name, library: self)
    }
}

/// The 64-bit FNV-1a hash: a version tag for code compiled into the binary
/// (not a security check; ``RedisClient/loadedCode(ofLibrary:)`` compares code).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    /// 16 lower-case hex digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}
