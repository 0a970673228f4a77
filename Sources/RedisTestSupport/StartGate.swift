/// Lets a few test servers start at a time.
///
/// Swift Testing starts every test at once: several hundred `redis-server`
/// processes booting together, each test's first connections set up at the same
/// moment, left a loaded 2-core machine seconds behind, and a client's own
/// round-trip timeout then fired before its event loop read the reply. Queued
/// here, servers start a handful at a time and the suite's load stays even.
actor StartGate {
    /// The gate every ``RedisTestServer`` start passes.
    static let servers = StartGate(width: 4)

    private let width: Int
    private var running = 0
    private var queue: [CheckedContinuation<Void, Never>] = []

    init(width: Int) {
        self.width = max(1, width)
    }

    /// Runs `body` once fewer than `width` others run.
    func pass<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if running >= width {
            await withCheckedContinuation { queue.append($0) }
        } else {
            running += 1
        }
        defer {
            if queue.isEmpty {
                running -= 1
            } else {
                queue.removeFirst().resume()
            }
        }
        return try await body()
    }
}
