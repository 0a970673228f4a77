#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps client connections inside the process's open-file limit (`RLIMIT_NOFILE`).
///
/// A server that runs out of file descriptors fails more than the next `accept`:
/// SwiftNIO then retries the listening socket at once, forever (a core spinning while
/// connections queue unanswered), Redis connections cannot be made again, and
/// libdispatch's thread monitor, which reads `/proc`, stops the process with an
/// illegal instruction. So the gateway raises its soft limit toward the hard one as far as
/// `--max-connections` needs, and serves no more connections than the limit leaves room for.
public enum OpenFileLimit {
    /// Descriptors kept for everything but client connections: Redis connections (one per
    /// event loop and node, readers, subscribers), listeners, each event loop's own, files.
    public static let reserve = 128
    /// The fewest connections worth starting for: a smaller limit is refused at start.
    public static let minimumConnections = 16
    /// The most the soft limit is raised to (the kernel's usual `nr_open`).
    static let ceiling = 1 << 20

    /// How many client connections fit.
    public struct Fit: Sendable, Equatable {
        /// Connections to serve at once (never 0: "no cap" becomes what the limit allows).
        public let connections: Int
        /// The soft limit in force.
        public let limit: Int
        /// Whether that is fewer than asked for.
        public let lowered: Bool
    }

    /// Raises the soft limit as far as `connections` (0: no cap) plus ``reserve`` needs and the
    /// hard limit allows, and returns how many connections fit. Throws when the limit leaves
    /// room for fewer than ``minimumConnections``.
    public static func fit(connections: Int) throws(ConfigurationError) -> Fit {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else {
            return Fit(connections: connections, limit: -1, lowered: false)  // unknown: as configured
        }
        let hard = Int(clamping: limits.rlim_max)
        let asked = connections > 0 ? connections.addingReportingOverflow(reserve) : (partialValue: Int.max, overflow: true)
        let wanted = min(asked.overflow ? Int.max : asked.partialValue, hard, ceiling)
        if Int(clamping: limits.rlim_cur) < wanted {
            var raised = limits
            raised.rlim_cur = rlim_t(wanted)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        let soft = Int(clamping: limits.rlim_cur)
        let room = soft - reserve
        guard room >= minimumConnections else {
            throw ConfigurationError(
                "the open-file limit is \(soft) (hard \(hard)): it leaves room for fewer than \(minimumConnections) client connections beside the \(reserve) kept for Redis "
                    + "and the process itself; raise it (`ulimit -n`, systemd `LimitNOFILE=`, docker `--ulimit nofile=`) to at least \(reserve + minimumConnections)")
        }
        if connections > 0 && connections <= room { return Fit(connections: connections, limit: soft, lowered: false) }
        return Fit(connections: room, limit: soft, lowered: connections > 0)
    }
}
