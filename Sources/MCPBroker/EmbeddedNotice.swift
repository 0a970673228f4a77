/// A notice that a completing function appends itself, in the same step that records the
/// job's status (``BrokerScripts/complete``, ``BrokerScripts/settle``): so it is written once,
/// and only when that step recorded the status (not when the job had ended or moved on, nor
/// again when a completion is retried after its reply was lost).
struct EmbeddedNotice: Sendable {
    /// The watcher's stream (a gateway's reply stream or a producer's results stream).
    let stream: String
    /// Its TTL in milliseconds.
    let ttlMs: String
    /// Whether its expiry is due (``ExpiryRefresh``); when not, the function still sets it on a
    /// stream that has none (made anew after a FLUSHALL or a restart, which would never expire).
    let expiryDue: Bool
    /// The `XADD` words after the key: the trim, `*`, then the fields.
    let xaddWords: [String]

    /// The function's extra arguments: the stream (an argument, not a key: see ``BrokerScripts/complete``),
    /// its TTL, whether it is due, then the `XADD` words.
    var arguments: [String] { [stream, ttlMs, expiryDue ? "1" : "0"] + xaddWords }
}
