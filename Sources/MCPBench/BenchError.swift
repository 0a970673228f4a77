/// Why a benchmark run could not be set up or finished; the message says what to fix.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String

    /// Creates an error with a human message.
    public init(_ description: String) { self.description = description }
}
