/// Where clients reach this deployment's `/mcp`: the scheme and authority a
/// request's signed `@target-uri` (and `@authority`, `@scheme`) must name.
/// Taken from configuration, never from the request's own `Host`, so a request
/// signed for another deployment (or another port) does not verify here.
public struct PublicOrigin: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    /// `host[:port]`, lower-cased, without the scheme's default port.
    public let authority: String

    /// Parses `http://host[:port]` or `https://host[:port]` (a trailing `/` is allowed;
    /// a path, query, fragment or user info is not). `nil` when malformed.
    public init?(url: String) {
        let lowered = url.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") {
            scheme = "https"
        } else if lowered.hasPrefix("http://") {
            scheme = "http"
        } else {
            return nil
        }
        var rest = lowered.dropFirst(scheme.count + 3)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains(where: { "/?#@ \t".contains($0) }) else { return nil }
        var authority = String(rest)
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            let port = authority[authority.index(after: colon)...]
            guard let number = Int(port), (1...65535).contains(number) else { return nil }
            if (scheme == "http" && number == 80) || (scheme == "https" && number == 443) {
                authority = String(authority[..<colon])
            }
        }
        self.scheme = scheme
        self.authority = authority
    }

    /// The origin of a server listening on `host:port` over plain HTTP (the default).
    public init(listeningHost host: String, port: Int) {
        scheme = "http"
        let lowered = host.lowercased()
        let bracketed = lowered.contains(":") && !lowered.hasPrefix("[") ? "[\(lowered)]" : lowered
        authority = port == 80 ? bracketed : "\(bracketed):\(port)"
    }

    /// `scheme://authority` followed by the request's path (and query).
    public func targetURI(path: String) -> String {
        "\(scheme)://\(authority)\(path)"
    }

    /// `scheme://authority`.
    public var description: String { "\(scheme)://\(authority)" }
}
