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

    /// A duration in seconds (fractions allowed), from 0 up to ``maxSeconds``; a
    /// bad value (negative, NaN, absurdly large) is a usage error naming it, never a trap.
    public static func seconds(_ flag: Double?, _ variable: String, _ fallback: Double) throws -> Duration {
        let number = try double(flag, variable, fallback)
        guard number >= 0, number <= maxSeconds else {
            throw ConfigurationError("\(variable) (or its flag) must be a number of seconds from 0 to \(Int(maxSeconds)), got \(number)")
        }
        return .milliseconds(Int64((number * 1000).rounded()))
    }

    /// ``seconds(_:_:_:)`` with the library's own default duration (the default lives once, in the library).
    public static func seconds(_ flag: Double?, _ variable: String, _ fallback: Duration) throws -> Duration {
        let parts = fallback.components
        return try seconds(flag, variable, Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
    }

    /// The longest duration any option takes: 10 years.
    public static let maxSeconds: Double = 10 * 365 * 24 * 3600

    /// A finite number; a bad variable is a usage error naming it.
    public static func double(_ flag: Double?, _ variable: String, _ fallback: Double) throws -> Double {
        let number: Double
        if let flag {
            number = flag
        } else if let text = value(variable) {
            guard let parsed = Double(text) else { throw ConfigurationError("\(variable)=\"\(text)\" must be a number") }
            number = parsed
        } else {
            number = fallback
        }
        guard number.isFinite else { throw ConfigurationError("\(variable) (or its flag) must be a finite number, got \(number)") }
        return number
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
