import Foundation

extension RedisEndpoint {
    static let clusterScheme = "redis+cluster://"

    /// The endpoint of one cluster node, with this endpoint's login.
    func node(_ address: ClusterNodeAddress) -> RedisEndpoint {
        RedisEndpoint(address: .tcp(host: address.host, port: address.port), user: user, password: password, database: 0)
    }

    /// Parses `redis+cluster://[user:password@]host:port[,host:port…][/0]`.
    /// Read from the text itself: `URLComponents` does not take a list of hosts.
    static func cluster(url text: String) throws(RedisError) -> RedisEndpoint {
        let rest = text.dropFirst(clusterScheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let tail = rest.dropFirst(authority.count)
        let shownAuthority = authority.lastIndex(of: "@").map { "***@" + String(authority[authority.index(after: $0)...]) } ?? String(authority)
        let redactedText = clusterScheme + shownAuthority + String(tail)
        func invalid(_ why: String) -> RedisError {
            RedisError(code: .configuration, message: "invalid Redis URL \"\(redactedText)\": \(why)")
        }
        if !tail.isEmpty && tail != "/" && tail != "/0" {
            throw invalid("a Redis Cluster has only database 0 and takes no query (\"\(tail.prefix(64))\")")
        }
        var user: String?
        var password: String?
        var hosts = authority[...]
        if let at = authority.lastIndex(of: "@") {
            let login = authority[..<at]
            hosts = authority[authority.index(after: at)...]
            if let colon = login.firstIndex(of: ":") {
                user = String(login[..<colon]).removingPercentEncoding
                password = String(login[login.index(after: colon)...]).removingPercentEncoding
                guard user != nil, password != nil else { throw invalid("the login is not valid percent-encoding") }
                if user == "" { user = nil }
            } else {
                guard let lone = String(login).removingPercentEncoding else { throw invalid("the login is not valid percent-encoding") }
                password = lone  // redis+cluster://secret@host means a password for the default user
            }
        }
        guard !hosts.isEmpty else { throw invalid("missing seed nodes") }
        var seeds = [ClusterNodeAddress]()
        for item in hosts.split(separator: ",", omittingEmptySubsequences: false) {
            guard let seed = seed(item) else { throw invalid("seed \"\(item.prefix(64))\" is not host:port") }
            if !seeds.contains(seed) { seeds.append(seed) }
        }
        guard let first = seeds.first else { throw invalid("missing seed nodes") }
        var endpoint = RedisEndpoint(address: .tcp(host: first.host, port: first.port), user: user, password: password, database: 0)
        endpoint.clusterSeeds = seeds
        return endpoint
    }

    /// One `host[:port]` of the seed list (port 6379 by default).
    private static func seed(_ text: Substring) -> ClusterNodeAddress? {
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.isEmpty { return host.isEmpty ? nil : ClusterNodeAddress(host: String(host), port: 6379) }
            guard after.first == ":" else { return nil }
            return ClusterNodeAddress.parse(text)
        }
        if !text.contains(":") {
            guard !text.isEmpty, let host = String(text).removingPercentEncoding else { return nil }
            return ClusterNodeAddress(host: host, port: 6379)
        }
        guard text.firstIndex(of: ":") == text.lastIndex(of: ":") else { return nil }
        return ClusterNodeAddress.parse(text)
    }
}
