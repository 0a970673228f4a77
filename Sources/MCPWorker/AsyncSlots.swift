import Synchronization

/// Counts free job slots so the read loop asks Redis only for as many jobs as
/// it can start, and sleeps (without polling) while every slot is busy.
final class AsyncSlots: Sendable {
    private struct State {
        var busy = 0
        var freeWaiter: CheckedContinuation<Void, Never>?
        var idleWaiter: CheckedContinuation<Void, Never>?
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Returns the number of free slots once at least one is free.
    func waitForFree() async -> Int {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.busy < limit { return true }
                state.freeWaiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
        return state.withLock { limit - $0.busy }
    }

    /// Wakes a reader waiting for a free slot (at shutdown), even if none is free.
    func wakeReader() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.freeWaiter = nil }
            return state.freeWaiter
        }
        waiter?.resume()
    }

    /// Marks one slot busy.
    func take() {
        state.withLock { $0.busy += 1 }
    }

    /// Frees one slot and wakes the reader or the drain.
    func release() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.busy -= 1
            var waiters = [CheckedContinuation<Void, Never>]()
            if let waiter = state.freeWaiter { waiters.append(waiter); state.freeWaiter = nil }
            if state.busy == 0, let waiter = state.idleWaiter { waiters.append(waiter); state.idleWaiter = nil }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until no slot is busy or the timeout passes; returns whether all finished.
    func waitUntilIdle(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let idle = self.state.withLock { state -> Bool in
                        if state.busy == 0 { return true }
                        state.idleWaiter = continuation
                        return false
                    }
                    if idle { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            if !first {  // release the idle waiter so its task can end
                let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.idleWaiter = nil }
                    return state.idleWaiter
                }
                waiter?.resume()
            }
            return first
        }
    }
}
