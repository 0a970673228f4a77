import Metrics
import Synchronization

/// Which of this gateway's ingress streams cannot be consumed now, and why: set
/// by each ``IngressConsumer`` when a read or settlement fails, cleared by its
/// next success. `/readyz` reports it and `mcp_ingress_failing` counts it, so an
/// operator hears of an ingress that stopped while HTTP still serves.
final class IngressHealth: Sendable {
    /// Failing stream → the kind of failure: a broker error code (`connection`, `wrong_type`, …), never a message.
    private let failing = Mutex<[String: String]>([:])
    private let gauge = Gauge(label: "mcp_ingress_failing")

    /// Creates the record with every stream healthy.
    init() {
        gauge.record(0)
    }

    /// `stream` could not be read or settled.
    func failed(_ stream: String, cause: String) {
        let count = failing.withLock { streams in
            streams[stream] = cause
            return streams.count
        }
        gauge.record(count)
    }

    /// `stream` was read and settled again.
    func recovered(_ stream: String) {
        let count = failing.withLock { streams -> Int? in
            guard streams.removeValue(forKey: stream) != nil else { return nil }
            return streams.count
        }
        if let count { gauge.record(count) }
    }

    /// The failing streams and their causes, sorted by stream.
    var failures: [(stream: String, cause: String)] {
        failing.withLock { streams in streams.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }
}
