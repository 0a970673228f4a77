/// Traps in code other engineers are fixing (issue 11, faults 1, 2 and 5).
/// The harness recognises inputs that reach them and stops before the
/// trapping call, so fuzzing can go on past them; the inputs are kept in
/// `Fuzz/known-traps/`. When a fix lands, delete its case here and move its
/// inputs to `Fuzz/crashes/` with their new outcome.
enum KnownTrap: String {
    /// Fault 5: `EnvelopeVerifier.authenticate` takes `abs` of `ts_ms - now`, which traps when that is `Int64.min`.
    case freshnessAbs = "envelope-freshness-abs"
    /// Fault 2: `MCPTaskView.statusMessage` converts `progress * 100` to `Int`, which traps on NaN, ±inf and huge values.
    case taskProgress = "task-progress-int"
    /// Fault 1: `Broker.successor(of:)` adds 1 to the milliseconds of `18446744073709551615-18446744073709551615`.
    case successorOfMaxID = "stream-id-successor-overflow"

    /// Whether the freshness check would trap for this `ts_ms` at `now`.
    static func freshnessTraps(sent: Int64, now: Int64) -> Bool {
        let offset = sent.subtractingReportingOverflow(now)
        return !offset.overflow && offset.partialValue == Int64.min
    }

    /// Whether converting this progress to a percentage would trap.
    static func progressTraps(_ progress: Double) -> Bool {
        let percent = (progress * 100).rounded()
        return !(percent > -9.2e18 && percent < 9.2e18)
    }

    /// Whether the successor of this stream id would overflow.
    static func successorTraps(_ id: String) -> Bool {
        let parts = id.split(separator: "-")
        guard parts.count == 2, let ms = UInt64(parts[0]), let seq = UInt64(parts[1]) else { return false }
        return ms == UInt64.max && seq == UInt64.max
    }
}
