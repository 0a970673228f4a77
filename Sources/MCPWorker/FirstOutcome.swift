import Synchronization

/// The first of several racing results, delivered without waiting for the
/// others: a job's outcome is its tool's result, its timeout or its client's
/// cancel, whichever comes first, even when the tool ignores cancellation and
/// keeps running (it is cancelled and left to end on its own thread).
final class FirstOutcome<Value: Sendable>: Sendable {
    private struct State {
        var settled = false
        var value: Value?
        var waiter: CheckedContinuation<Value?, Never>?
    }

    private let state = Mutex(State())

    /// Offers a result; only the first offer (or ``abandon()``) counts.
    func offer(_ value: Value) {
        settle(value)
    }

    /// Settles with no result (the waiting task was cancelled).
    func abandon() {
        settle(nil)
    }

    /// Waits for the first offer; `nil` if abandoned first (also when the calling task is cancelled).
    func value() async -> Value? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> (Bool, Value?) in
                    if state.settled { return (true, state.value) }
                    state.waiter = continuation
                    return (false, nil)
                }
                if ready.0 { continuation.resume(returning: ready.1) }
            }
        } onCancel: {
            abandon()
        }
    }

    private func settle(_ value: Value?) {
        let waiter = state.withLock { state -> CheckedContinuation<Value?, Never>? in
            guard !state.settled else { return nil }
            state.settled = true
            state.value = value
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }
}
