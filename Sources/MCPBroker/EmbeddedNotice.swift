/// A notice that a completing function appends itself, in the same step that records the
/// job's status (``BrokerScripts/complete``, ``BrokerScripts/settle``): so it is written once,
/// and only when that step recorded the status (not when the job had ended or moved on, nor
/// again when a completion is retried after its reply was lost).
struct EmbeddedNotice: Sendable {
    /// The watcher's stream (a gateway's reply stream or a producer's results stream).
    let stream: String
    /// Its expiry in milliseconds when due (``ExpiryRefresh``), `""` when not.
    let expiryMs: String
    /// The `XADD` words after the key: the trim, `*`, then the fields.
    let xaddWords: [String]

    /// The function's extra arguments: the stream (an argument, not a key: see ``BrokerScripts/complete``),
    /// its expiry, then the `XADD` words.
    var arguments: [String] { [stream, expiryMs] + xaddWords }
}
