import NIOCore

/// What one load phase sends, over how many connections, and at what pace.
struct LoadPlan: Sendable {
    /// How requests are paced.
    enum Pacing: Sendable {
        /// Each connection sends its next request as soon as the previous answer arrives.
        case closed
        /// Requests are due at a fixed rate whether or not answers have come back;
        /// latency is measured from when a request was due (coordinated omission corrected).
        case open(perSecond: Int)
    }

    /// The gateway's host and port.
    var host: String
    var port: Int
    /// Complete HTTP requests, each sent once, in order.
    var requests: [ByteBuffer]
    /// Keep-alive connections to open before the clock starts.
    var connections: Int
    var pacing: Pacing
    /// Stop issuing new requests after this long (answers to those in flight are still awaited).
    var limit: Duration?
    /// Keep every response body in the result (for scenarios that read job ids).
    var keepBodies = false
}
