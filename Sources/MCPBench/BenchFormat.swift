import Foundation

/// How numbers are written in the report: pure functions, so tests can pin them.
public enum BenchFormat {
    /// A rate with thousands separators and no decimals, e.g. `21,345`.
    public static func rate(_ perSecond: Double) -> String {
        grouped(Int(perSecond.rounded()))
    }

    /// An integer with thousands separators, e.g. `1,234,567`.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// A latency given in microseconds: `850µs` below 1 ms, `1.23ms` below 100 ms, then `123ms`, `1.2s`.
    public static func latency(micros: Double) -> String {
        if micros < 1_000 { return "\(Int(micros.rounded()))µs" }
        if micros < 100_000 { return String(format: "%.2fms", micros / 1_000) }
        if micros < 1_000_000 { return "\(Int((micros / 1_000).rounded()))ms" }
        return String(format: "%.1fs", micros / 1_000_000)
    }

    /// A fraction as a percentage, e.g. `0.256` → `26%`.
    public static func percent(_ fraction: Double) -> String {
        "\(Int((fraction * 100).rounded()))%"
    }

    /// Bytes as MiB with one decimal, e.g. `12.5 MiB`.
    public static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    /// A small ratio with two decimals, e.g. `2.50`.
    public static func decimal(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    /// Operations per second from a count and nanoseconds; 0 when no time passed.
    public static func perSecond(count: Int, nanoseconds: UInt64) -> Double {
        nanoseconds == 0 ? 0 : Double(count) * 1e9 / Double(nanoseconds)
    }
}
