/// Turns `deploy/redis/redis.conf` into `redis-server --name value …` arguments,
/// so the test server runs with the shipped settings (AOF, noeviction, …).
enum RedisConfArguments {
    /// Directives the test replaces with its own (socket, temp dir, the ACL file's real path).
    static let replacedByTests: Set<String> = ["bind", "port", "dir", "aclfile", "unixsocket", "logfile"]

    /// The arguments for every directive of `text` except `skipping`.
    static func arguments(fromConfig text: String, skipping: Set<String> = replacedByTests) -> [String] {
        var arguments = [String]()
        for line in text.split(separator: "\n") {
            let words = words(of: String(line))
            guard let name = words.first, !name.hasPrefix("#"), !skipping.contains(name.lowercased()) else { continue }
            arguments.append("--\(name)")
            arguments += words.dropFirst()
        }
        return arguments
    }

    /// Splits one config line into words; `"…"` quotes a word (so `save ""` gives an empty word).
    static func words(of line: String) -> [String] {
        var words = [String]()
        var current = ""
        var inWord = false
        var quoted = false
        for character in line {
            if quoted {
                if character == "\"" { quoted = false } else { current.append(character) }
            } else if character == "\"" {
                quoted = true
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
