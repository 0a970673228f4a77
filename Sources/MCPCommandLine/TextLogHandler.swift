import Foundation
import Logging
import MCPWire
import Synchronization

/// Writes one human-readable line per log event to standard error, in the
/// layout of swift-log's `StreamLogHandler`
/// (`2026-11-29T10:00:00+0000 info mcp-gateway: request.id=r-1 [MCPGateway] job accepted`),
/// except that every control character inside the message and the metadata is
/// escaped (`\n`, `\u{1b}`): a value a client chose, such as a `request_id` or
/// an unknown tool name, can never start a line of its own and forge an event.
public struct TextLogHandler: LogHandler {
    /// Serialises writes across every handler of the process.
    private static let output = Mutex(())

    /// Metadata attached to every event of this logger.
    public var metadata: Logger.Metadata = [:]
    /// The minimum level written.
    public var logLevel: Logger.Level = .info
    private let label: String

    /// Creates a handler for a logger label.
    public init(label: String) {
        self.label = label
    }

    /// Per-key metadata access.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event as one line.
    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let pairs = merged.sorted(by: { $0.key < $1.key }).map { "\(Self.escape($0.key))=\(Self.escape("\($0.value)"))" }
        let metadataText = pairs.isEmpty ? "" : " " + pairs.joined(separator: " ")
        let rest = "\(event.level) \(Self.escape(label)):\(metadataText) [\(Self.escape(event.source))] \(Self.escape(event.message.description))\n"
        let timestamp = RFC3339Timestamp.secondsWithOffset(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        Self.output.withLock { _ in
            FileHandle.standardError.write(Data((timestamp + " " + rest).utf8))
        }
    }

    /// `text` with every control character (C0, DEL, C1, line and paragraph separators) escaped.
    static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case _ where isControl(scalar): out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
