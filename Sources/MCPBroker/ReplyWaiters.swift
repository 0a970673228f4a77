/// The bookkeeping of ``ReplyListener`` (kept under its lock): for each job,
/// every registration and, once waiting, its waiter and deadline. A
/// reply that arrives before its waiter parks is kept on the registration.
struct ReplyWaiters {
    /// An answer available without parking: the reply that already arrived, or `nil` (closed, unknown ticket).
    struct Early {
        let reply: JobReply?
    }

    private struct Registration {
        var waiter: ParkedWaiter?
        var deadline: ContinuousClock.Instant?
        var arrived: JobReply?
    }

    private var jobs: [String: [UInt64: Registration]] = [:]
    private var nextSerial: UInt64 = 0
    private var closed = false

    /// Registrations held.
    var count: Int {
        jobs.values.reduce(0) { $0 + $1.count }
    }

    /// Registrations whose request is waiting.
    var waiting: Int {
        jobs.values.reduce(0) { total, waiters in total + waiters.values.filter { $0.waiter != nil }.count }
    }

    /// Waiting registrations whose budget the sweeper ends (those without a timer of their own).
    var waitingOnSweeper: Int {
        jobs.values.reduce(0) { total, waiters in total + waiters.values.filter { $0.waiter != nil && $0.deadline != nil }.count }
    }

    mutating func register(jobID: String) -> ReplyTicket {
        nextSerial &+= 1
        let ticket = ReplyTicket(jobID: jobID, serial: nextSerial)
        if !closed { jobs[jobID, default: [:]][ticket.serial] = Registration() }
        return ticket
    }

    /// Removes a registration; returns its waiter if it was waiting (to resume with `nil`).
    mutating func remove(_ ticket: ReplyTicket) -> ParkedWaiter? {
        guard var waiters = jobs[ticket.jobID], let registration = waiters.removeValue(forKey: ticket.serial) else { return nil }
        jobs[ticket.jobID] = waiters.isEmpty ? nil : waiters
        return registration.waiter
    }

    /// Parks a waiter, or answers at once (reply already here, listener closed, ticket unknown or already waiting).
    /// A `nil` deadline: the waiter's own timer ends its wait, not the sweeper.
    mutating func park(_ ticket: ReplyTicket, _ waiter: ParkedWaiter, deadline: ContinuousClock.Instant?) -> Early? {
        guard !closed, var registration = jobs[ticket.jobID]?[ticket.serial], registration.waiter == nil else {
            return Early(reply: nil)
        }
        if let reply = registration.arrived {
            _ = remove(ticket)
            return Early(reply: reply)
        }
        registration.waiter = waiter
        registration.deadline = deadline
        jobs[ticket.jobID]?[ticket.serial] = registration
        return nil
    }

    /// Hands a reply to every registration of its job: waiting ones are removed
    /// and returned (to resume), the others keep it until they wait.
    mutating func deliver(_ reply: JobReply) -> [ParkedWaiter] {
        guard var waiters = jobs[reply.jobID] else { return [] }
        var woken = [ParkedWaiter]()
        for (serial, var registration) in waiters {
            if let waiter = registration.waiter {
                woken.append(waiter)
                waiters.removeValue(forKey: serial)
            } else {
                registration.arrived = reply
                waiters[serial] = registration
            }
        }
        jobs[reply.jobID] = waiters.isEmpty ? nil : waiters
        return woken
    }

    /// Removes and returns the waiters whose deadline has passed.
    mutating func expire(now: ContinuousClock.Instant) -> [ParkedWaiter] {
        var expired = [ParkedWaiter]()
        for (jobID, waiters) in jobs {
            var kept = waiters
            for (serial, registration) in waiters {
                if let waiter = registration.waiter, let deadline = registration.deadline, deadline <= now {
                    expired.append(waiter)
                    kept.removeValue(forKey: serial)
                }
            }
            if kept.count != waiters.count { jobs[jobID] = kept.isEmpty ? nil : kept }
        }
        return expired
    }

    /// Refuses every later registration and returns every waiting request.
    mutating func close() -> [ParkedWaiter] {
        closed = true
        let woken = jobs.values.flatMap { $0.values.compactMap(\.waiter) }
        jobs.removeAll()
        return woken
    }
}
