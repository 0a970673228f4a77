#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The system's wall clock, for result timestamps such as `completed_ts_ms`.
public enum WallClock {
    /// Milliseconds since the Unix epoch, now.
    @Sendable
    public static func nowMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
