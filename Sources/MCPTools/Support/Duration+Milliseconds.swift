extension Duration {
    /// The duration in whole milliseconds, truncated: how descriptors, Redis
    /// arguments and messages state limits.
    public var wholeMilliseconds: Int64 {
        // Saturating: a duration decoded from Redis or an option can be any size.
        let (seconds, attoseconds) = components
        let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflowSum) = millis.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return overflowSum ? (millis < 0 ? .min : .max) : total
    }
}
