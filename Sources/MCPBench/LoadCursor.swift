import Synchronization

/// Hands out request indexes to concurrent tasks, each index once.
final class LoadCursor: Sendable {
    private let count: Int
    private let position = Atomic<Int>(0)

    init(count: Int) {
        self.count = count
    }

    /// The next unused index, or nil when all are taken.
    func next() -> Int? {
        let index = position.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }
}
