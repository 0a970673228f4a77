import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free TCP ports on 127.0.0.1 for test servers, checked by binding them.
enum LoopbackPort {
    /// A port `p` such that `p` and `p + offset` (a cluster bus port) are both free right now.
    /// Another process may still take it before the server binds; callers retry on a failed start.
    static func free(withCompanionOffset offset: Int = 10000) -> Int? {
        for _ in 0..<200 {
            let port = Int.random(in: 20000..<(65535 - offset))
            if isFree(port) && isFree(port + offset) { return port }
        }
        return nil
    }

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
