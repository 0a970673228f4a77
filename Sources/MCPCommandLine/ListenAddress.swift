/// A `host:port` to listen on, as given to `--listen` or `--metrics-listen`.
public struct ListenAddress: Sendable, Equatable {
    /// The host or IP address.
    public let host: String
    /// The port; 0 asks the system for a free one.
    public let port: Int

    /// Parses `host:port`; a mistake is a usage error naming the flag.
    public init(_ text: String, flag: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
              colon > text.startIndex else {
            throw ConfigurationError("\(flag) address \"\(text)\" must be host:port")
        }
        self.host = String(text[..<colon])
        self.port = port
    }
}
