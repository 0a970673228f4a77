import NIOCore

/// A request waiting on a job's reply, and the event loop it waits on.
///
/// The gateway's one reply reader runs on one loop; a request whose HTTP
/// connection lives on another loop used to be resumed on the reader's (Swift
/// tasks stay on the loop that enqueues them), and its answer then crossed
/// back to the connection's loop to be written. Resumed through its own loop
/// instead, the request signs and writes its answer where its connection
/// lives: measured with 16 clients, 2–10 % less gateway CPU per sync call
/// (docs/performance.md).
struct ParkedWaiter: Sendable {
    /// The suspended `wait`.
    let continuation: CheckedContinuation<JobReply?, Never>
    /// The loop the waiting task ran on; `nil` off the event loops (then it resumes in place).
    let home: (any EventLoop)?
    /// The budget's timer on `home`, cancelled when the wait ends otherwise; `nil` off the loops.
    var timer: Scheduled<Void>? = nil

    /// Ends the wait with `reply` (`nil`: budget spent or listener closed), on the waiter's own loop.
    func resume(_ reply: JobReply?) {
        if let loop = loopToResumeOn() {
            loop.execute {
                timer?.cancel()  // on its own loop: no further hop
                continuation.resume(returning: reply)
            }
        } else {
            timer?.cancel()
            continuation.resume(returning: reply)
        }
    }

    /// The loop a resume from the calling thread must go through: the home
    /// loop unless the caller is on it (or there is none).
    func loopToResumeOn() -> (any EventLoop)? {
        guard let home, !home.inEventLoop else { return nil }
        return home
    }
}
