import Synchronization

/// Bytes a test peer's socket took, read by the test while the peer writes on its event loop.
final class ByteCount: Sendable {
    private let count = Atomic<Int>(0)

    /// Adds `bytes` written.
    func add(_ bytes: Int) {
        count.add(bytes, ordering: .relaxed)
    }

    /// What was written so far.
    var value: Int {
        count.load(ordering: .relaxed)
    }
}
