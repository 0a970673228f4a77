import Foundation

/// Flag-then-environment resolution: every setting is a flag with an `MCP_…`
/// variable behind it (DESIGN §7); the flag wins when both are given.
public enum EnvironmentDefault {
    /// The flag's value, else the variable's, else `fallback`.
    public static func string(_ flag: String?, _ variable: String, _ fallback: String) -> String {
        flag ?? value(variable) ?? fallback
    }

    /// The flag's value, else the variable's, else `nil`.
    public static func optionalString(_ flag: String?, _ variable: String) -> String? {
        flag ?? value(variable)
    }

    /// An integer setting; a non-integer variable is a usage error naming it.
    public static func int(_ flag: Int?, _ variable: String, _ fallback: Int) throws -> Int {
        if let flag { return flag }
        guard let text = value(variable) else { return fallback }
        guard let number = Int(text) else { throw ConfigurationError("\(variable)=\"\(text)\" must be an integer") }
        return number
    }

    /// A duration in seconds (fractions allowed); a bad variable is a usage error naming it.
    public static func seconds(_ flag: Double?, _ variable: String, _ fallback: Double) throws -> Duration {
        if let flag { return .milliseconds(Int64(flag * 1000)) }
        guard let text = value(variable) else { return .milliseconds(Int64(fallback * 1000)) }
        guard let number = Double(text), number >= 0 else { throw ConfigurationError("\(variable)=\"\(text)\" must be a number of seconds") }
        return .milliseconds(Int64(number * 1000))
    }

    private static func value(_ variable: String) -> String? {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return nil }
        return text
    }
}

/// A configuration mistake, reported before anything starts.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
