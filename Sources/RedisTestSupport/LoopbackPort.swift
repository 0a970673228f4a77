import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free TCP ports on 127.0.0.1 for test servers, checked by binding them.
public enum LoopbackPort {
    /// A port `p` such that `p` and `p + offset` (a cluster bus port) are both free right now,
    /// both below the kernel's ephemeral range (so no outgoing connection of any process on the
    /// machine takes them as its source port meanwhile). Another server may still take it before
    /// ours binds; callers retry on a failed start.
    public static func free(withCompanionOffset offset: Int = 10000) -> Int? {
        let upper = min(ephemeralLowerBound, 65536) - offset
        let range = upper > 12001 ? 12000..<upper : 20000..<(65535 - offset)  // no room below: as before
        for _ in 0..<200 {
            let port = Int.random(in: range)
            if isFree(port) && isFree(port + offset) { return port }
        }
        return nil
    }

    /// The first port the kernel hands out to outgoing connections (`net.ipv4.ip_local_port_range`, 32768 by default).
    static let ephemeralLowerBound: Int = {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32768
    }()

    /// Whether a socket can bind 127.0.0.1:`port` at this moment.
    static func isFree(_ port: Int) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}
