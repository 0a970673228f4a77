import Synchronization

/// Wakes a sleeping loop early, so loops sleep for as long as they have
/// nothing to do instead of polling: the worker's retry promoter (rung when
/// the worker schedules a retry), its lease loop (rung when a job starts), the
/// gateway's wait sweeper (rung when a request starts waiting) and backlog
/// monitor (rung when a job is submitted after an idle spell).
public final class Alarm: Sendable {
    private struct State {
        var rung = false
        var cancelled = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Counts waits, so a time limit that fires late ends only the wait it was set for.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    /// An alarm nobody has rung.
    public init() {}

    /// Wakes the current wait (or the next one, if nobody waits now).
    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after `limit`, or earlier when rung (or when the task is cancelled).
    /// The limit is a ``OneShotTimer``: on an event loop, a timer of that loop.
    public func wait(atMost limit: Duration) async {
        let timer = Mutex<OneShotTimer?>(nil)
        await waitForRing(armed: { generation in
            let started = OneShotTimer(after: limit) { self.expire(generation) }
            timer.withLock { $0 = started }
        })
        timer.withLock { $0 }?.cancel()
    }

    /// Sleeps for `duration`, or less when the task is cancelled: `try? await Task.sleep(for:)`
    /// on the event loop's own timer (see ``OneShotTimer``).
    public static func sleep(for duration: Duration) async {
        await Alarm().wait(atMost: duration)
    }

    /// Ends wait number `generation` if it still waits (its time limit fired).
    private func expire(_ generation: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.generation == generation, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Waits until rung or cancelled; `armed` runs with the wait's number once it waits
    /// (not when a ring or cancellation was already pending).
    private func waitForRing(armed: (UInt64) -> Void) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let generation = state.withLock { state -> UInt64? in
                    if state.rung || state.cancelled {
                        state.rung = false
                        state.cancelled = false
                        return nil
                    }
                    state.generation &+= 1
                    state.waiter = continuation
                    return state.generation
                }
                if let generation {
                    armed(generation)
                } else {
                    continuation.resume()
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiter else {
                    state.cancelled = true
                    return nil
                }
                state.waiter = nil
                return waiter
            }
            waiter?.resume()
        }
    }
}
