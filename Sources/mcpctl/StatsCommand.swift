import ArgumentParser
import MCPBroker
import MCPCommandLine

/// `mcpctl stats`: one screen about the queues, read straight from Redis
/// with count-only commands (the `monitor` ACL user is enough).
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show backlog, pending entries, consumers, live workers, jobs/s, retries, dead letters and ingress rejects.",
        discussion: """
            Everything comes from Redis with count-only commands, which never return a job's \
            arguments, result or envelope: XLEN and XINFO GROUPS/CONSUMERS of the job stream, \
            XLEN of the dead-letter and ingress reject streams, ZCARD of the delayed-retry set, \
            XLEN and XINFO GROUPS of the ingress stream, the workers' heartbeat hashes, and \
            INFO memory of each node (its maxmemory-policy: anything but noeviction is a warning). \
            The `monitor` Redis user of deploy/redis/users.acl may run it.

            jobs/s is measured, not stored: stats reads the job stream's entries added (every \
            XADD: new jobs, retries, redrives; entries-read + lag of the workers group) and the \
            workers group's entries-read twice and \
            divides the difference by the time between the readings. "published" is entries \
            added per second; "acked" is deliveries read minus the change in pending entries, \
            per second. A single run samples over --sample seconds (default 1); --watch shows \
            the rate over the last minute of watching (up to 60 s of readings).
            """)

    @OptionGroup var common: CommonOptions

    @Flag(help: "Redraw every SECONDS (default 2) until Ctrl-C; with --json, print one JSON line per reading.")
    var watch = false

    @Argument(help: "With --watch: seconds between readings, \(intervalText).")
    var seconds: Double?

    @Flag(help: "Print one JSON object (sorted keys) instead of the screen.")
    var json = false

    @Option(parsing: .unconditional, help: "Without --watch: seconds between the two readings jobs/s is measured over: 0 (skip it) or \(intervalText) (default 1).")
    var sample: Double?

    private var sampleSeconds: Double { sample ?? 1 }

    /// Seconds between readings (and `mcpctl call --poll-interval`): finite, never a busy loop, at most 1 h.
    static let intervals: ClosedRange<Double> = 0.1...3_600
    /// ``intervals`` as help texts show it.
    static let intervalText = OptionRange.accepted(
        OptionRange.format(intervals.lowerBound), OptionRange.format(intervals.upperBound), zero: nil, unit: "")

    func validate() throws {
        if seconds != nil && !watch { throw ValidationError("SECONDS only goes with --watch") }
        if let seconds { _ = try OptionRange.check(seconds, "SECONDS (of --watch)", in: Self.intervals, unit: " seconds") }
        _ = try OptionRange.check(sampleSeconds, "--sample", in: Self.intervals, zero: "skip it", unit: " seconds")
    }

    func run() async throws {
        let broker = try common.broker()
        try await broker.checkPartitions(record: false)  // sums over the wrong partitions would mislead
        let prefix = common.resolvedPrefix
        if !watch {
            let first = try await broker.stats()
            var last = first
            if sampleSeconds > 0 {
                try await Task.sleep(for: OptionRange.duration(seconds: sampleSeconds))
                last = try await broker.stats()
            }
            let policies = (try? await broker.evictionPolicies()) ?? [:]
            show(StatsScreen(stats: last, rates: StatsRates(from: first, to: last), prefix: prefix, policies: policies), clear: false)
            return
        }
        let interval = OptionRange.duration(seconds: seconds ?? 2)
        var readings = [try await broker.stats()]
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            let now = try await broker.stats()
            readings.append(now)
            readings.removeAll { now.takenMs - $0.takenMs > 60_000 }  // the last minute
            let policies = (try? await broker.evictionPolicies()) ?? [:]
            show(StatsScreen(stats: now, rates: readings.first.flatMap { StatsRates(from: $0, to: now) }, prefix: prefix, policies: policies), clear: true)
        }
    }

    private func show(_ screen: StatsScreen, clear: Bool) {
        // Written unbuffered, so a pipe or a log sees each reading as it is taken.
        if json {
            FileHandleWriter.writeStandardOutput(screen.json() + "\n")
        } else {
            FileHandleWriter.writeStandardOutput((clear ? "\u{1B}[H\u{1B}[2J" : "") + screen.text() + "\n")
        }
    }
}
