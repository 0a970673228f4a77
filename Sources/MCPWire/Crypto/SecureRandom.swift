import CHiredis
import Synchronization

/// Cryptographically strong random bytes, for ids, secrets and tokens that
/// must be unguessable.
///
/// `SystemRandomNumberGenerator` makes one `getrandom(2)` system call per 64
/// bits, and a job id's two cost the gateway two of its seven system calls
/// per request (issue 12, `strace -c`). Here the kernel's generator fills a
/// 4 KiB buffer that hands each byte out once: one system call per 256 job
/// ids, every byte still the kernel's. (OpenSSL's `RAND_bytes` makes one
/// `getpid` per call, its fork check, and setting up its generator added a
/// megabyte or two to each process's resident memory.) If `getrandom` fails,
/// the system generator fills the buffer instead.
public enum SecureRandom {
    /// Bytes drawn from the kernel per refill.
    static let refillSize = 4096

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: SecureRandom.refillSize)
        var next = SecureRandom.refillSize  // empty until first use
    }

    private static let pool = Mutex(Pool())

    /// `count` random bytes (none for a count below 1).
    public static func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(max(count, 0))
        pool.withLock { pool in
            while out.count < count {
                if pool.next == pool.bytes.count {
                    refill(&pool.bytes)
                    pool.next = 0
                }
                let taken = min(count - out.count, pool.bytes.count - pool.next)
                out += pool.bytes[pool.next..<pool.next + taken]
                pool.next += taken
            }
        }
        return out
    }

    /// `count` random bytes as lower-case hex (2 × `count` digits).
    public static func hex(bytes count: Int) -> String {
        Hex.encode(bytes(count))
    }

    private static func refill(_ bytes: inout [UInt8]) {
        let status = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return chiredis_getrandom(base, buffer.count)
        }
        guard status != 0 else { return }
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
    }
}
