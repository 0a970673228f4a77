import Foundation

/// Wall-clock time in Unix milliseconds, as stored in job hashes and envelopes.
public enum UnixTime {
    /// Now, in milliseconds since 1970.
    public static func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
