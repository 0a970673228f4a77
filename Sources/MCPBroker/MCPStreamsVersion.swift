/// The MCPStreams release, reported in heartbeats and `--version`.
public enum MCPStreamsVersion {
    /// The current version.
    public static let current = "0.1.0"
}
