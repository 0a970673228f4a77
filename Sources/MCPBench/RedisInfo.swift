/// The counters of `INFO stats`, `INFO cpu` and `INFO commandstats` the bench
/// compares before and after a phase.
struct RedisInfo: Sendable {
    /// Calls per command name (lower case), scripts' inner commands included.
    var calls: [String: Int] = [:]
    /// Read events the server processed: one per batch of commands that arrived together (a round trip).
    var readsProcessed = 0
    /// Commands processed.
    var commandsProcessed = 0
    /// Server CPU seconds (user + system, all threads).
    var cpuSeconds = 0.0
    /// The server's pid.
    var pid: Int32?

    /// Parses the text of `INFO` (any sections).
    init(parsing text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon]
            let value = line[line.index(after: colon)...]
            if name.hasPrefix("cmdstat_") {
                // cmdstat_evalsha:calls=3,usec=…
                let command = String(name.dropFirst("cmdstat_".count))
                for part in value.split(separator: ",") where part.hasPrefix("calls=") {
                    calls[command] = Int(part.dropFirst("calls=".count)) ?? 0
                }
            }
            switch name {
            case "total_reads_processed": readsProcessed = Int(value) ?? 0
            case "total_commands_processed": commandsProcessed = Int(value) ?? 0
            case "used_cpu_sys", "used_cpu_user": cpuSeconds += Double(value) ?? 0
            case "process_id": pid = Int32(value)
            default: break
            }
        }
    }

    /// Empty counters.
    init() {}

    /// Adds another server's counters (the nodes of a cluster); the pid becomes the first one's.
    mutating func add(_ other: RedisInfo) {
        calls.merge(other.calls, uniquingKeysWith: +)
        readsProcessed += other.readsProcessed
        commandsProcessed += other.commandsProcessed
        cpuSeconds += other.cpuSeconds
        pid = pid ?? other.pid
    }

    /// What happened between `earlier` and this snapshot.
    func since(_ earlier: RedisInfo) -> RedisInfo {
        var delta = RedisInfo()
        for (command, count) in calls {
            let difference = count - (earlier.calls[command] ?? 0)
            if difference > 0 { delta.calls[command] = difference }
        }
        delta.readsProcessed = readsProcessed - earlier.readsProcessed
        delta.commandsProcessed = commandsProcessed - earlier.commandsProcessed
        delta.cpuSeconds = cpuSeconds - earlier.cpuSeconds
        delta.pid = pid
        return delta
    }
}
