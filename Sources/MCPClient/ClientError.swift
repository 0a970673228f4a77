/// Why a client call failed before a signed response could be read.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// A stable code: `transport`, `bad_response`, `bad_response_signature`.
    public let code: String
    /// What happened.
    public let message: String

    /// Creates an error.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
