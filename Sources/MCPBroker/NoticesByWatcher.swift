import RedisClient

/// Notices gathered per watcher (a gateway id or an `@` results stream), in the
/// order watchers first appear, so one round trip carries one XADD per notice
/// and at most one PEXPIRE per stream instead of one per notice.
struct NoticesByWatcher {
    private var order: [String] = []
    private var notices: [String: [JobNotice]] = [:]

    /// Adds a notice for a watcher.
    mutating func add(_ notice: JobNotice, for watcher: String) {
        if notices[watcher] == nil { order.append(watcher) }
        notices[watcher, default: []].append(notice)
    }

    /// The commands that append every notice, per watcher.
    func commands(using broker: Broker) -> [RedisCommand] {
        order.flatMap { broker.replyCommands(watcher: $0, notices[$0] ?? []) }
    }

    /// The same commands, grouped by watcher (each group touches one stream: one slot on a cluster).
    func commandsByWatcher(using broker: Broker) -> [(watcher: String, commands: [RedisCommand])] {
        order.map { ($0, broker.replyCommands(watcher: $0, notices[$0] ?? [])) }
    }

    /// Whether there is no notice.
    var isEmpty: Bool { order.isEmpty }
}
