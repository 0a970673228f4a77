import Foundation
import Logging
import MCPWire
import Synchronization

/// Writes one JSON object per log event to standard error: `ts`, `level`,
/// `label`, `msg` and the metadata keys (`request.id`, `job.id`, …). Newlines
/// inside values are escaped, and events from concurrent tasks are written
/// whole, one at a time, so every line is exactly one event.
public struct JSONLogHandler: LogHandler {
    /// Serialises writes to standard error across every handler of the process
    /// (timestamps: ``MCPWire/RFC3339Timestamp``, UTC, millisecond precision).
    private static let output = Mutex(())

    /// The members every event has; metadata with these keys is written as `metadata.<key>`.
    private static let reserved: Set<String> = ["ts", "level", "label", "msg"]

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

    /// Writes one event.
    public func log(event: LogEvent) {
        var fields: [(String, String)] = [("level", event.level.rawValue), ("label", label), ("msg", event.message.description)]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append((Self.reserved.contains(key) ? "metadata.\(key)" : key, "\(value)"))  // keys stay unique
        }
        let rest = fields.map { "\(Self.quote($0.0)):\(Self.quote($0.1))" }.joined(separator: ",")
        let timestamp = RFC3339Timestamp.string(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        Self.output.withLock { _ in
            let line = "{\"ts\":\(Self.quote(timestamp)),\(rest)}\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
