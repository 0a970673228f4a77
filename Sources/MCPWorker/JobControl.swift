import Synchronization

/// Lets the cancellation checker stop one running job: `requestCancel()`
/// wakes whoever waits in `waitForCancel()`.
final class JobControl: Sendable {
    private struct State {
        var cancelRequested = false
        var onCancel: (@Sendable () -> Void)?
    }

    /// The job this controls.
    let jobID: String
    private let state = Mutex(State())

    /// A control for one job.
    init(jobID: String) {
        self.jobID = jobID
    }

    /// Whether the client asked to cancel.
    var isCancelRequested: Bool { state.withLock { $0.cancelRequested } }

    /// Records the client's cancel request and runs the hook, once.
    func requestCancel() {
        let hook = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.cancelRequested else { return nil }
            state.cancelRequested = true
            defer { state.onCancel = nil }
            return state.onCancel
        }
        hook?()
    }

    /// Runs `hook` when cancellation is requested (at once if it already was);
    /// a later hook replaces an earlier one that has not run.
    func whenCancelRequested(_ hook: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.cancelRequested { return true }
            state.onCancel = hook
            return false
        }
        if now { hook() }
    }

    /// Drops the hook (the job ended), so nothing it captured outlives the run.
    func clearHook() {
        state.withLock { $0.onCancel = nil }
    }
}
