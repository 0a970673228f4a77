import Foundation

/// Where a Redis server is and how to log in, parsed from a URL.
///
/// Accepted forms:
/// - `redis://[user:password@]host[:port][/db]` (port defaults to 6379, db to 0)
/// - `unix:///path/to/redis.sock[?db=N&user=U&password=P]`
/// - `redis+cluster://[user:password@]host:port[,host:port…]`: the seed nodes of
///   a Redis Cluster (see ``clusterSeeds``); the login applies to every node.
///
/// User and password may be percent-encoded.
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The transport to reach the server.
    public enum Address: Sendable, Equatable {
        /// TCP host and port.
        case tcp(host: String, port: Int)
        /// A unix domain socket path.
        case unix(path: String)
    }

    /// The server address.
    public var address: Address
    /// The ACL user for `AUTH user password`; `nil` uses `AUTH password` (the default user).
    public var user: String?
    /// The password; `nil` skips AUTH.
    public var password: String?
    /// The logical database selected after connecting (`SELECT`), 0 by default.
    public var database: Int
    /// The seed nodes of a Redis Cluster (`redis+cluster://`); empty for a single
    /// server. For a cluster, ``address`` is the first seed.
    public var clusterSeeds: [ClusterNodeAddress] = []

    /// Whether this endpoint names a Redis Cluster (`redis+cluster://`).
    public var isCluster: Bool { !clusterSeeds.isEmpty }

    /// Creates an endpoint from its parts.
    public init(address: Address, user: String? = nil, password: String? = nil, database: Int = 0) {
        self.address = address
        self.user = user
        self.password = password
        self.database = database
    }

    /// The host of a `redis://` URL as written, percent-decoded, IPv6 brackets
    /// removed. Read from the text itself: `URLComponents` transcodes hosts
    /// through ICU's IDNA tables, several MiB of memory in every process.
    static func writtenHost(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostAndPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let host: Substring
        if hostAndPort.first == "[" {
            guard let close = hostAndPort.firstIndex(of: "]") else { return nil }
            host = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
        } else {
            host = hostAndPort.prefix { $0 != ":" }
        }
        return String(host).removingPercentEncoding
    }

    /// Parses a `redis://` or `unix://` URL.
    public init(url text: String) throws(RedisError) {
        if text.lowercased().hasPrefix(Self.clusterScheme) {
            self = try Self.cluster(url: text)
            return
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw Self.invalid(text, "expected redis://[user:password@]host:port[/db] or unix:///path/redis.sock")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        switch scheme {
        case "redis":
            guard let host = Self.writtenHost(of: text), !host.isEmpty else { throw Self.invalid(text, "missing host") }
            let port = components.port ?? 6379
            guard (1...65535).contains(port) else { throw Self.invalid(text, "port \(port) is out of range") }
            address = .tcp(host: host, port: port)
            let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            if path.isEmpty {
                database = 0
            } else if let db = Int(path), db >= 0 {
                database = db
            } else {
                throw Self.invalid(text, "database \"\(path)\" must be a non-negative integer")
            }
            user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
            password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
            if password == nil, let lone = user {  // redis://secret@host means a password for the default user
                password = lone
                user = nil
            }
        case "unix":
            let path = components.path
            guard path.hasPrefix("/") else { throw Self.invalid(text, "unix socket path must be absolute (unix:///path)") }
            address = .unix(path: path)
            if let db = query["db"] {
                guard let value = Int(db), value >= 0 else { throw Self.invalid(text, "db=\(db) must be a non-negative integer") }
                database = value
            } else {
                database = 0
            }
            user = query["user"]
            password = query["password"]
        default:
            throw Self.invalid(text, "unsupported scheme \"\(scheme)\" (use redis://, unix:// or redis+cluster://)")
        }
    }

    static func invalid(_ url: String, _ why: String) -> RedisError {
        RedisError(code: .configuration, message: "invalid Redis URL \"\(redacted(url))\": \(why)")
    }

    /// The URL with any password replaced by `***`, safe for logs.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<unparsable>" }
        if components.password != nil { components.password = "***" }
        if let items = components.queryItems, items.contains(where: { $0.name == "password" }) {
            components.queryItems = items.map { $0.name == "password" ? URLQueryItem(name: "password", value: "***") : $0 }
        }
        return components.string ?? "<unparsable>"
    }

    /// A log-safe description: the address and database, never the password.
    public var description: String {
        if isCluster {
            return "redis+cluster://\(user.map { "\($0)@" } ?? "")\(clusterSeeds.map(\.description).joined(separator: ","))"
        }
        switch address {
        case .tcp(let host, let port): return "redis://\(user.map { "\($0)@" } ?? "")\(host):\(port)/\(database)"
        case .unix(let path): return "unix://\(path)?db=\(database)"
        }
    }
}
