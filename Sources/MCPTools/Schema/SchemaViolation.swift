/// One way a value breaks a JSON Schema: where, which keyword, and what to fix.
///
/// `description` reads `args.numbers[1] must be a number, got string`, the
/// form the gateway puts into an `invalid_args` error.
public struct SchemaViolation: Sendable, Equatable {
    /// The full path of the offending value: `args`, `args.numbers[1]`.
    public let path: String
    /// What is wrong, phrased as what the value must be: `must be a number, got string`.
    public let message: String
    /// The schema keyword that failed (`type`, `minItems`, `required`, …);
    /// `false` for a `false` schema, `schema` when the schema itself is invalid.
    public let keyword: String

    /// Creates a violation.
    public init(path: String, message: String, keyword: String) {
        self.path = path
        self.message = message
        self.keyword = keyword
    }
}

extension SchemaViolation: CustomStringConvertible {
    /// `path message`, e.g. `args.seconds must be at most 20, got 21`.
    public var description: String { "\(path) \(message)" }
}
