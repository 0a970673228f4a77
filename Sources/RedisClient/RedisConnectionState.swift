import NIOCore

/// What a ``RedisConnection`` knows about its socket, touched on its event loop only.
final class RedisConnectionState {
    /// A batch written to the socket, waiting for its replies.
    struct Sent {
        let batch: RedisConnection.Batch
        /// When its replies are overdue (moved later when it becomes the oldest batch on the wire).
        var deadline: NIODeadline
        /// Since when it has been the oldest batch on the wire (or was written): bytes that keep
        /// coming fast enough (``RedisConnection/moved(_:generation:)``) extend `deadline`, never past ``RedisConnection/longestReply(_:)`` from here.
        var oldestSince: NIODeadline
    }

    /// The open socket, while connecting (after the TCP connect) and while ready.
    var channel: (any Channel)?
    /// Whether AUTH and SELECT passed: batches may be written.
    var ready = false
    /// Whether a connect or handshake is under way.
    var connecting = false
    /// Counts sockets: callbacks of an older socket are ignored.
    var generation = 0
    /// Batches not written yet (while connecting, or held back by the pipeline depth).
    var waiting: [RedisConnection.Batch] = []
    /// Batches written, oldest first; replies arrive in this order.
    var onTheWire = CircularBuffer<Sent>()
    /// Commands of ``onTheWire``.
    var commandsOnTheWire = 0
    /// Replies read so far for the oldest batch on the wire.
    var replies: [RedisValue] = []
    /// When the socket last made progress: ``RedisConnection/progressQuantum`` bytes read or written.
    var lastProgress: NIODeadline?
    /// Bytes read or written since ``lastProgress``.
    var bytesSinceProgress = 0
    /// Fires when the oldest batch on the wire is overdue.
    var timer: Scheduled<Void>?
    /// The timer found the oldest batch overdue once and gave the loop one more turn to read its replies.
    var overdueOnce = false
    /// The timer fired so late (this process starved) that the oldest batch was given one more timeout.
    var extendedOnce = false
    /// Reconnect backoff after a failed attempt.
    var nextConnectAttempt: NIODeadline?
    var backoff: Duration
    var lastConnectError: RedisError?
    /// Set by `close()`: no new batches; the socket closes once the batches on the wire are answered.
    var closing = false

    init(backoff: Duration) {
        self.backoff = backoff
    }
}
