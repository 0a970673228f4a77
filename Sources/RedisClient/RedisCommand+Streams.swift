extension RedisCommand {
    /// `XADD key [MAXLEN|MINID ~ n] id field value …`.
    public static func xadd(_ key: String, id: String = "*", fields: [StreamField], trim: StreamTrim? = nil) -> RedisCommand {
        var words = [key]
        if let trim { words += trim.arguments }
        words.append(id)
        for field in fields { words += [field.name, field.value] }
        return RedisCommand("XADD", words)
    }

    /// `XGROUP CREATE key group id MKSTREAM`.
    public static func xgroupCreate(_ key: String, group: String, startID: String = "$", makeStream: Bool = true) -> RedisCommand {
        RedisCommand("XGROUP", ["CREATE", key, group, startID] + (makeStream ? ["MKSTREAM"] : []))
    }

    /// `XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS key… id…`.
    public static func xreadgroup(group: String, consumer: String, streams: [(key: String, id: String)], count: Int? = nil, block: Duration? = nil, noAck: Bool = false) -> RedisCommand {
        var words = ["GROUP", group, consumer]
        if let count { words += ["COUNT", String(count)] }
        if let block { words += ["BLOCK", String(block.milliseconds)] }
        if noAck { words.append("NOACK") }
        words.append("STREAMS")
        words += streams.map(\.key)
        words += streams.map(\.id)
        return RedisCommand("XREADGROUP", words, blockingMillis: block?.milliseconds ?? 0)
    }

    /// `XREAD [COUNT n] [BLOCK ms] STREAMS key… id…`.
    public static func xread(streams: [(key: String, id: String)], count: Int? = nil, block: Duration? = nil) -> RedisCommand {
        var words = [String]()
        if let count { words += ["COUNT", String(count)] }
        if let block { words += ["BLOCK", String(block.milliseconds)] }
        words.append("STREAMS")
        words += streams.map(\.key)
        words += streams.map(\.id)
        return RedisCommand("XREAD", words, blockingMillis: block?.milliseconds ?? 0)
    }

    /// `XACK key group id…`.
    public static func xack(_ key: String, group: String, ids: [String]) -> RedisCommand {
        RedisCommand("XACK", [key, group] + ids)
    }

    /// `XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]` (with `justID` the reply
    /// names the claimed entries by id only, however large they are).
    public static func xautoclaim(
        _ key: String, group: String, consumer: String, minIdle: Duration, start: String = "0-0", count: Int? = nil, justID: Bool = false
    ) -> RedisCommand {
        RedisCommand(
            "XAUTOCLAIM", [key, group, consumer, String(minIdle.milliseconds), start] + (count.map { ["COUNT", String($0)] } ?? []) + (justID ? ["JUSTID"] : []))
    }

    /// `XCLAIM key group consumer min-idle id… [JUSTID]`. With `minIdle` 0 this renews a lease (resets idle time).
    public static func xclaim(_ key: String, group: String, consumer: String, minIdle: Duration, ids: [String], justID: Bool = false) -> RedisCommand {
        RedisCommand("XCLAIM", [key, group, consumer, String(minIdle.milliseconds)] + ids + (justID ? ["JUSTID"] : []))
    }

    /// `XPENDING key group` (summary form).
    public static func xpendingSummary(_ key: String, group: String) -> RedisCommand {
        RedisCommand("XPENDING", [key, group])
    }

    /// `XPENDING key group [IDLE ms] start end count [consumer]` (extended form).
    public static func xpending(_ key: String, group: String, minIdle: Duration? = nil, start: String = "-", end: String = "+", count: Int, consumer: String? = nil) -> RedisCommand {
        var words = [key, group]
        if let minIdle { words += ["IDLE", String(minIdle.milliseconds)] }
        words += [start, end, String(count)]
        if let consumer { words.append(consumer) }
        return RedisCommand("XPENDING", words)
    }

    /// `XRANGE key start end [COUNT n]`.
    public static func xrange(_ key: String, start: String = "-", end: String = "+", count: Int? = nil) -> RedisCommand {
        RedisCommand("XRANGE", [key, start, end] + (count.map { ["COUNT", String($0)] } ?? []))
    }

    /// `XINFO GROUPS key`.
    public static func xinfoGroups(_ key: String) -> RedisCommand {
        RedisCommand("XINFO", ["GROUPS", key])
    }

    /// `XINFO STREAM key`.
    public static func xinfoStream(_ key: String) -> RedisCommand {
        RedisCommand("XINFO", ["STREAM", key])
    }

    /// `XINFO CONSUMERS key group`.
    public static func xinfoConsumers(_ key: String, group: String) -> RedisCommand {
        RedisCommand("XINFO", ["CONSUMERS", key, group])
    }
}
