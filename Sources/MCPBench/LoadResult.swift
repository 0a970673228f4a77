import Histogram
import NIOCore

/// What one load phase measured.
struct LoadResult: Sendable {
    /// Responses received.
    var completed = 0
    /// Responses by HTTP status.
    var statuses: [Int: Int] = [:]
    /// Monotonic time of the first send and of the last response, in nanoseconds.
    var firstSendNanos: UInt64 = 0
    var lastResponseNanos: UInt64 = 0
    /// Latency in nanoseconds: from when the request was due (open loop) or sent (closed loop).
    var latency = LoadResult.makeHistogram()
    /// Latency from the actual send, uncorrected (differs from `latency` only in the open loop).
    var serviceTime = LoadResult.makeHistogram()
    /// Connections that failed during the phase.
    var connectionFailures = 0
    /// Response bodies in order of arrival, when the plan asked for them.
    var bodies: [ByteBuffer] = []

    /// Wall time from first send to last response.
    var elapsedNanos: UInt64 { lastResponseNanos > firstSendNanos ? lastResponseNanos - firstSendNanos : 0 }

    /// Responses with a 2xx status.
    var succeeded: Int { statuses.filter { (200..<300).contains($0.key) }.map(\.value).reduce(0, +) }

    /// A histogram for nanosecond latencies from 1 µs to 2 minutes, 3 significant digits.
    static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1_000, highestTrackableValue: 120_000_000_000, numberOfSignificantValueDigits: .three)
    }
}
