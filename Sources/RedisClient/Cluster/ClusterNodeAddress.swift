/// One Redis Cluster node's TCP address, as the cluster announces it (or as a seed gives it).
public struct ClusterNodeAddress: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP address (IPv6 without brackets).
    public let host: String
    /// TCP port.
    public let port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, IPv6 hosts in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses the `host:port` of a `MOVED`/`ASK` redirection (`127.0.0.1:7001`, `[::1]:7001`); `nil` when malformed.
    static func parse(_ text: Substring) -> ClusterNodeAddress? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            return nil
        }
        var host = text[..<colon]
        if host.first == "[" && host.last == "]" && host.count >= 2 { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { return nil }
        return ClusterNodeAddress(host: String(host), port: port)
    }
}
