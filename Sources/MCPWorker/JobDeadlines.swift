import MCPBroker
import Synchronization

/// Every running job's timeout, kept by one loop per worker instead of a
/// sleeping task per job: a job registers its deadline and what to do when it
/// passes; the loop sleeps until the earliest deadline (or until a job starts
/// with an earlier one) and fires those that passed. A job that ends first
/// removes its entry, so nothing fires for it. Deadlines that passed together
/// fire in deadline order.
final class JobDeadlines: Sendable {
    /// One registration, to pass back to ``remove(_:)``.
    struct Ticket: Sendable, Hashable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let fire: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        /// The deadline the loop sleeps towards, or `nil` while it sleeps with no deadline.
        var sleepingUntil: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let wait = IdleWait()

    /// Registers `fire` to run once `deadline` has passed (on the loop's task).
    func add(deadline: ContinuousClock.Instant, fire: @escaping @Sendable () -> Void) -> Ticket {
        let (ticket, earlier) = state.withLock { state -> (Ticket, Bool) in
            state.nextID &+= 1
            state.entries[state.nextID] = Entry(deadline: deadline, fire: fire)
            let earlier = state.sleepingUntil.map { deadline < $0 } ?? true
            return (Ticket(id: state.nextID), earlier)
        }
        if earlier { wait.wake() }
        return ticket
    }

    /// Forgets a registration (the job ended before its deadline).
    func remove(_ ticket: Ticket) {
        state.withLock { _ = $0.entries.removeValue(forKey: ticket.id) }
    }

    /// How many deadlines are registered.
    var count: Int { state.withLock { $0.entries.count } }

    /// Fires passed deadlines and sleeps until the next one, until cancelled.
    func run() async {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let (due, next) = state.withLock { state -> ([Entry], ContinuousClock.Instant?) in
                var due = [Entry]()
                var next: ContinuousClock.Instant?
                for (id, entry) in state.entries {
                    if entry.deadline <= now {
                        due.append(entry)
                        state.entries[id] = nil
                    } else if next.map({ entry.deadline < $0 }) ?? true {
                        next = entry.deadline
                    }
                }
                state.sleepingUntil = next
                return (due, next)
            }
            for entry in due.sorted(by: { $0.deadline < $1.deadline }) { entry.fire() }
            let limit = next.map { max($0 - ContinuousClock.now, .milliseconds(1)) } ?? .seconds(3_600)
            await wait.sleep(atMost: limit, unlessBusy: { false })
        }
    }
}
