/// RFC 3339 timestamps in UTC (`2023-11-14T22:13:20.123Z`), computed in
/// integer arithmetic: exact to the millisecond (a `Date`'s floating-point
/// seconds round 20.123 down to 20.122), no formatter object per call, total
/// over every `Int64` a job hash can hold, and without ICU (Foundation's date
/// formatters load and touch its data: several MiB of every process's memory).
public enum RFC3339Timestamp {
    /// The first and last instants with a four-digit year (0001-01-01 and 9999-12-31).
    public static let earliestMilliseconds: Int64 = -62_135_596_800_000
    /// The last instant with a four-digit year.
    public static let latestMilliseconds: Int64 = 253_402_300_799_999

    /// The timestamp of a Unix time in milliseconds, clamped to years 0001–9999:
    /// `2023-11-14T22:13:20.123Z`.
    public static func string(milliseconds: Int64) -> String {
        let (date, time, millisecond) = parts(milliseconds)
        return "\(date)T\(time).\(pad(millisecond, 3))Z"
    }

    /// Whole seconds with a numeric offset, as swift-log's stream handler prints
    /// them: `2023-11-14T22:13:20+0000`.
    public static func secondsWithOffset(milliseconds: Int64) -> String {
        let (date, time, _) = parts(milliseconds)
        return "\(date)T\(time)+0000"
    }

    private static func parts(_ milliseconds: Int64) -> (date: String, time: String, millisecond: Int64) {
        let clamped = min(max(milliseconds, earliestMilliseconds), latestMilliseconds)
        let (days, msOfDay) = floorDivision(clamped, 86_400_000)
        let (year, month, day) = civil(daysSinceEpoch: days)
        let hour = msOfDay / 3_600_000, minute = msOfDay / 60_000 % 60, second = msOfDay / 1000 % 60
        return ("\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))", "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))", msOfDay % 1000)
    }

    /// Quotient rounded towards minus infinity and the non-negative remainder.
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// Howard Hinnant's `civil_from_days`: the proleptic Gregorian date of a day count.
    private static func civil(daysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
