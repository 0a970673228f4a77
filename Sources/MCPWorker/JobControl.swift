import Synchronization

/// Lets the cancellation checker stop one running job: `requestCancel()`
/// wakes whoever waits in `waitForCancel()`.
final class JobControl: Sendable {
    private struct State {
        var cancelRequested = false
        var released = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    let jobID: String
    private let state = Mutex(State())

    init(jobID: String) {
        self.jobID = jobID
    }

    /// Whether the client asked to cancel this job.
    var isCancelRequested: Bool { state.withLock { $0.cancelRequested } }

    /// Asks the job to stop (the client cancelled it).
    func requestCancel() {
        state.withLock { $0.cancelRequested = true }
        release()
    }

    /// Returns when cancellation is requested, or when the calling task is cancelled.
    func waitForCancel() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.released { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            release()
        }
    }

    private func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.released = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
