/// Why a job did not succeed: a stable code and a human message.
///
/// Stored twice over, so nothing has to parse it back: `error_code` holds the
/// code and `error` the text polls show (`code: message`), in the job hash,
/// in reply-stream entries and in dead letters.
public struct JobError: Sendable, Equatable, CustomStringConvertible {
    /// The stable code, e.g. `TOOL_TIMEOUT`, `invalid_args`, `dead_letter`, `cancelled`.
    public let code: String
    /// What happened, for people.
    public let message: String

    /// Creates a failure.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`: the `error` text of polls, the hash and the wire.
    public var description: String { "\(code): \(message)" }

    /// A stored failure: the `error_code` field with the `error` text. A record
    /// written before `error_code` existed (a worker of an earlier version, still
    /// within its retention) has only the text; its code is the part before the
    /// first colon. `nil` when there is no failure (both empty or missing).
    public init?(storedCode: String?, text: String?) {
        let text = text ?? ""
        if let storedCode, !storedCode.isEmpty {
            let prefix = storedCode + ": "
            self.init(code: storedCode, message: text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)
            return
        }
        guard !text.isEmpty else { return nil }
        let code = text.prefix { $0 != ":" }
        let rest = text.dropFirst(code.count).drop { $0 == ":" || $0 == " " }
        self.init(code: String(code), message: String(rest))
    }
}
