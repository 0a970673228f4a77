/// A property a fuzz target checks did not hold: a bug, reported as a crash
/// by the libFuzzer harness and as a failed test by the regression replay.
public struct FuzzFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The target that found it.
    public let target: FuzzTarget
    /// What did not hold.
    public let message: String

    /// Creates a failure.
    public init(_ target: FuzzTarget, _ message: String) {
        self.target = target
        self.message = message
    }

    public var description: String { "\(target.rawValue): \(message)" }
}
