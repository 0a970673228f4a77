/// Range checks for numeric options: a value outside its option's range stops the
/// process before it starts, with a message naming the option (and its `MCP_…`
/// variable) and what it accepts. Non-finite numbers are refused too, so no
/// conversion of an accepted value (to a `Duration`, to an `Int`) can trap.
public enum OptionRange {
    /// `value` when it lies in `range`, or is 0 and `zero` names what 0 means ("off").
    /// `name` is how the user set it: `--lease / MCP_LEASE`, or `--sample` for a flag alone.
    public static func check(
        _ value: Double, _ name: String, in range: ClosedRange<Double>, zero: String? = nil, unit: String = ""
    ) throws(ConfigurationError) -> Double {
        guard value.isFinite, range.contains(value) || (zero != nil && value == 0) else {
            throw refusal(name, got: format(value), accepted: accepted(format(range.lowerBound), format(range.upperBound), zero: zero, unit: unit))
        }
        return value
    }

    /// ``check(_:_:in:zero:unit:)`` for an integer option.
    public static func check(_ value: Int, _ name: String, in range: ClosedRange<Int>, zero: String? = nil) throws(ConfigurationError) -> Int {
        guard range.contains(value) || (zero != nil && value == 0) else {
            throw refusal(name, got: String(value), accepted: accepted(String(range.lowerBound), String(range.upperBound), zero: zero, unit: ""))
        }
        return value
    }

    /// A checked number of seconds as a `Duration` (millisecond precision).
    public static func seconds(
        _ value: Double, _ name: String, in range: ClosedRange<Double>, zero: String? = nil
    ) throws(ConfigurationError) -> Duration {
        duration(seconds: try check(value, name, in: range, zero: zero, unit: " seconds"))
    }

    /// Seconds as a `Duration` that never traps: NaN and negative numbers are 0, and
    /// anything above ``EnvironmentDefault/maxSeconds`` is that much.
    public static func duration(seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .milliseconds(Int64((min(seconds, EnvironmentDefault.maxSeconds) * 1000).rounded()))
    }

    /// How help texts show a range: "1 to 86400", or "0 (off) or 1 to 86400".
    public static func accepted(_ low: String, _ high: String, zero: String?, unit: String) -> String {
        (zero.map { "0 (\($0)) or " } ?? "") + "\(low) to \(high)\(unit)"
    }

    /// A number as people write it: 1 rather than 1.0.
    public static func format(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    private static func refusal(_ name: String, got: String, accepted: String) -> ConfigurationError {
        ConfigurationError("\(name) is \(got); it must be \(accepted)")
    }
}
