import CHiredis
import Synchronization

/// Cryptographically strong random numbers for ids that must be unguessable.
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

    /// Two random 64-bit words (128 bits).
    public static func twoWords() -> (UInt64, UInt64) {
        pool.withLock { pool in
            if pool.next + 16 > pool.bytes.count {
                refill(&pool.bytes)
                pool.next = 0
            }
            let start = pool.next
            pool.next += 16
            return pool.bytes.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: start, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self))
            }
        }
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
