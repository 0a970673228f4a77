extension EnvironmentDefault {
    /// An integer setting that must lie in `range` (or be 0 when `zero` says what 0 means):
    /// the flag's value, else the variable's, else `fallback`; anything else is refused,
    /// naming `option` and `variable` (``OptionRange``).
    public static func int(
        _ flag: Int?, _ option: String, _ variable: String, _ fallback: Int, in range: ClosedRange<Int>, zero: String? = nil
    ) throws -> Int {
        try OptionRange.check(try int(flag, variable, fallback), "\(option) / \(variable)", in: range, zero: zero)
    }

    /// A number that must lie in `range` (or be 0 when `zero` says what 0 means); NaN and infinities are refused.
    public static func double(
        _ flag: Double?, _ option: String, _ variable: String, _ fallback: Double, in range: ClosedRange<Double>, zero: String? = nil
    ) throws -> Double {
        try OptionRange.check(try anyDouble(flag, variable, fallback), "\(option) / \(variable)", in: range, zero: zero)
    }

    /// A number of seconds that must lie in `range` (or be 0 when `zero` says what 0 means), as a `Duration`.
    public static func seconds(
        _ flag: Double?, _ option: String, _ variable: String, _ fallback: Duration, in range: ClosedRange<Double>, zero: String? = nil
    ) throws -> Duration {
        let parts = fallback.components
        let number = try anyDouble(flag, variable, Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
        return try OptionRange.seconds(number, "\(option) / \(variable)", in: range, zero: zero)
    }

    /// An instance name (``InstanceName``) from the flag or the variable, or `nil` when neither is set.
    public static func instanceName(_ flag: String?, _ option: String, _ variable: String) throws -> String? {
        guard let name = flag ?? optionalString(nil, variable) else { return nil }
        if let problem = InstanceName.problem(name) {
            throw ConfigurationError("\(option) / \(variable) \(InstanceName.quoted(name)) \(problem)")
        }
        return name
    }

    /// The flag's number, else the variable's parsed, else `fallback`; not yet checked for finiteness.
    private static func anyDouble(_ flag: Double?, _ variable: String, _ fallback: Double) throws -> Double {
        if let flag { return flag }
        guard let text = optionalString(nil, variable) else { return fallback }
        guard let number = Double(text) else { throw ConfigurationError("\(variable)=\"\(text)\" must be a number") }
        return number
    }
}
