import MCPBroker

/// Job rates from readings of two Redis counters taken over time: `published`
/// from the job stream's `entries-added` (every XADD: new jobs, retries,
/// redrives), `acked` from the `workers` group's `entries-read` minus the
/// change in pending entries (deliveries that were acknowledged). Nothing is
/// written to Redis to get them.
struct StatsRates: Sendable {
    /// Seconds between the two readings.
    let windowSeconds: Double
    /// Stream entries added per second.
    let publishedPerSecond: Double?
    /// Deliveries acknowledged per second.
    let ackedPerSecond: Double?

    /// The rates between an earlier and a later reading; `nil` when they are the same moment.
    init?(from earlier: QueueStats, to later: QueueStats) {
        let seconds = Double(later.takenMs - earlier.takenMs) / 1000
        guard seconds > 0 else { return nil }
        windowSeconds = seconds
        if let before = earlier.entriesAdded, let after = later.entriesAdded {
            publishedPerSecond = Double(max(0, after - before)) / seconds
        } else {
            publishedPerSecond = nil
        }
        if let before = earlier.entriesRead, let after = later.entriesRead {
            let acked = (after - before) - Int64(later.pending - earlier.pending)
            ackedPerSecond = Double(max(0, acked)) / seconds
        } else {
            ackedPerSecond = nil
        }
    }
}
