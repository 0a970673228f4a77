/// One right a role needs, as a command `ACL DRYRUN` can try for a user: the command of one of the
/// role's rules (``ACLRole/rules``) on a key (or channel) made from one of its patterns, with
/// arguments of the right number for Redis to check it.
public struct ACLProbe: Sendable, Hashable, CustomStringConvertible {
    /// The command and its arguments (`PEXPIRE mcp:{0}:req:acl-probe 1`).
    public let command: [String]

    /// The command as one line.
    public var description: String { command.joined(separator: " ") }

    /// Every probe of `role`, its key patterns written for `prefix` (`mcp` as the file has it).
    /// A rule's command that ``arguments(_:key:)`` does not know is a programming error the
    /// tests catch (every rule of the shipped file is known).
    public static func probes(of role: ACLRole, prefix: String = "mcp") -> [ACLProbe] {
        var probes = [ACLProbe]()
        for section in role.rules {
            let words = section.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" }).map(String.init)
            let commands = words.filter { $0.hasPrefix("+") && !$0.hasPrefix("+@") }.map { String($0.dropFirst()) }
            let patterns = words.compactMap { word -> String? in
                guard let tilde = word.firstIndex(where: { $0 == "~" || $0 == "&" }) else { return nil }
                return sample(String(word[word.index(after: tilde)...]), prefix: prefix)
            }
            for command in commands {
                let targets: [String?] = takesKey(command) ? patterns.map { $0 } : [nil]
                for target in targets {
                    if let arguments = arguments(command, key: target) { probes.append(ACLProbe(command: arguments)) }
                }
            }
        }
        return probes
    }

    /// A name matching `pattern` (`mcp:{[0-9]*}:req:*` → `mcp:{0}:req:acl-probe`), its `mcp:` replaced by `prefix`.
    static func sample(_ pattern: String, prefix: String) -> String {
        var name = ""
        var rest = Substring(pattern)
        if rest.hasPrefix("mcp:") {
            name = prefix + ":"
            rest = rest.dropFirst(4)
        }
        while let first = rest.first {
            if rest.hasPrefix("{[0-9]*}") {
                name += "{0}"
                rest = rest.dropFirst(8)
            } else {
                name += first == "*" ? "acl-probe" : String(first)
                rest = rest.dropFirst()
            }
        }
        return name
    }

    /// Whether `command` (as a rule names it: `xinfo|groups`) names a key or channel.
    static func takesKey(_ command: String) -> Bool {
        !["cluster|shards", "asking", "ping", "function|list", "wait"].contains(command)
    }

    /// The whole command for a rule's `command` on `key`, or nil for a command this table lacks.
    static func arguments(_ command: String, key: String?) -> [String]? {
        let k = key ?? ""
        switch command {
        case "cluster|shards": return ["CLUSTER", "SHARDS"]
        case "asking": return ["ASKING"]
        case "ping": return ["PING"]
        case "function|list": return ["FUNCTION", "LIST"]
        case "wait": return ["WAIT", "0", "0"]
        case "fcall": return ["FCALL", "acl_probe", "1", k]
        case "exists", "get", "hgetall", "xlen", "del", "xinfo|stream", "xinfo|groups":
            return command.split(separator: "|").map { $0.uppercased() } + [k]
        case "set": return ["SET", k, "v"]
        case "hget", "hdel": return [command.uppercased(), k, "f"]
        case "hmget": return ["HMGET", k, "f", "g"]
        case "hset", "hsetnx": return [command.uppercased(), k, "f", "v"]
        case "hincrby": return ["HINCRBY", k, "f", "1"]
        case "pexpire": return ["PEXPIRE", k, "1"]
        case "xadd": return ["XADD", k, "*", "f", "v"]
        case "xread": return ["XREAD", "STREAMS", k, "0"]
        case "xreadgroup": return ["XREADGROUP", "GROUP", "g", "c", "STREAMS", k, ">"]
        case "xgroup|create": return ["XGROUP", "CREATE", k, "g", "$"]
        case "xinfo|consumers": return ["XINFO", "CONSUMERS", k, "g"]
        case "xrange": return ["XRANGE", k, "-", "+"]
        case "xack": return ["XACK", k, "g", "0-1"]
        case "xdel": return ["XDEL", k, "0-1"]
        case "xclaim": return ["XCLAIM", k, "g", "c", "0", "0-1"]
        case "xautoclaim": return ["XAUTOCLAIM", k, "g", "c", "0", "0"]
        case "xpending": return ["XPENDING", k, "g"]
        case "xtrim": return ["XTRIM", k, "MAXLEN", "0"]
        case "zadd": return ["ZADD", k, "1", "m"]
        case "zrem": return ["ZREM", k, "m"]
        case "zrange", "zrangebyscore", "zremrangebyscore": return [command.uppercased(), k, "0", "1"]
        case "spublish": return ["SPUBLISH", k, "m"]
        case "ssubscribe": return ["SSUBSCRIBE", k]
        default: return nil
        }
    }
}
