import Synchronization

/// How a loop sleeps while it has nothing to do and wakes the moment it does:
/// the loop calls ``sleep(atMost:unlessBusy:)``; whoever makes work for it
/// (a job starts, a request starts waiting, a job is submitted) calls
/// ``wake()``, which rings only while the loop sleeps, so the busy path costs
/// one atomic load. A wake that races the check is never lost: the loop marks
/// itself idle before it looks for work, and a ring that arrives before it
/// waits is kept for that wait.
public final class IdleWait: Sendable {
    private let alarm = Alarm()
    private let idle = Atomic<Bool>(false)

    /// A loop's idle wait.
    public init() {}

    /// Sleeps up to `limit` unless `isBusy()` says there is work (then returns at
    /// once); returns early when ``wake()`` is called or the task is cancelled.
    /// Returns whether it slept.
    @discardableResult
    public func sleep(atMost limit: Duration, unlessBusy isBusy: () -> Bool) async -> Bool {
        idle.store(true, ordering: .sequentiallyConsistent)
        if isBusy() {
            idle.store(false, ordering: .sequentiallyConsistent)
            return false
        }
        await alarm.wait(atMost: limit)
        idle.store(false, ordering: .sequentiallyConsistent)
        return true
    }

    /// Wakes the loop if it sleeps; does nothing (but one atomic load) otherwise.
    public func wake() {
        guard idle.load(ordering: .sequentiallyConsistent) else { return }
        if idle.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged { alarm.ring() }
    }
}
