import Logging
import NIOCore
import NIOPosix
import MCPWire
import RedisClient
import ServiceLifecycle
import Synchronization

/// The one reader per gateway on `mcp:replies:<gateway_id>`: wakes every
/// request waiting on a job, however many there are, over a single
/// Redis connection (never one connection per waiting request).
///
/// Register before publishing (so a fast reply cannot be missed), then wait
/// with a budget; past the budget the waiter gets `nil` and answers `accepted`.
/// Any number of requests may wait on the same job (two `tasks/result` calls,
/// a `tasks/cancel` beside them): each holds its own ``ReplyTicket`` and a
/// reply wakes them all. Every wait ends by its budget at the latest, and at
/// once when the listener closes (graceful shutdown), so no request handler
/// can hold up the gateway's exit.
public final class ReplyListener: Service, Sendable {
    /// This gateway's id, the suffix of its reply stream.
    public let gatewayID: String
    private let broker: Broker
    private let reader: BrokerReader
    private let logger: Logger
    private let state = Mutex(ReplyWaiters())
    /// The budget sweeper's sleep while no request waits; a request starting to wait wakes it.
    private let sweepWait = IdleWait()

    /// Creates a listener; `reader` must be a connection of its own (it blocks).
    public init(gatewayID: String, broker: Broker, reader: BrokerReader, logger: Logger) {
        self.gatewayID = gatewayID
        self.broker = broker
        self.reader = reader
        self.logger = logger
    }

    /// Starts listening for a job's reply. Call before publishing the job;
    /// pass the ticket to ``wait(_:budget:)``, or to ``unregister(_:)`` when not waiting after all.
    public func register(jobID: String) -> ReplyTicket {
        state.withLock { $0.register(jobID: jobID) }
    }

    /// Forgets a registration (the job was not published after all, or the caller stopped waiting).
    public func unregister(_ ticket: ReplyTicket) {
        let waiter = state.withLock { $0.remove(ticket) }
        waiter?.resume(nil)
    }

    /// Waits up to `budget` for the reply of a registered job; `nil` past the
    /// budget, after ``close()``, or for a ticket that is not registered. The
    /// registration ends with the wait.
    ///
    /// On an event loop the budget is a timer on that loop, cancelled there when
    /// the reply comes (no other thread wakes for it); elsewhere the sweeper ends it.
    public func wait(_ ticket: ReplyTicket, budget: Duration) async -> JobReply? {
        let budget = min(max(budget, .zero), .seconds(86_400))
        let home = MultiThreadedEventLoopGroup.currentEventLoop
        return await withCheckedContinuation { continuation in
            // Scheduled from the loop itself, the timer cannot fire before the waiter is parked.
            let timer = home?.scheduleTask(in: TimeAmount(budget)) {
                self.endWait(ticket)
            }
            let deadline = timer == nil ? ContinuousClock.now.advanced(by: budget) : nil
            let waiter = ParkedWaiter(continuation: continuation, home: home, timer: timer)
            if let early = state.withLock({ $0.park(ticket, waiter, deadline: deadline) }) {
                waiter.resume(early.reply)  // on its own loop: in place, timer cancelled
            } else if timer == nil {
                sweepWait.wake()
            }
        }
    }

    /// A waiter's timer fired: its budget is spent.
    private func endWait(_ ticket: ReplyTicket) {
        let waiter = state.withLock { $0.remove(ticket) }
        waiter?.resume(nil)
    }

    /// How many registrations (waiting or not) the listener holds: what a leak would make grow.
    public var registrations: Int {
        state.withLock { $0.count }
    }

    /// How many requests are waiting now.
    public var waiting: Int {
        state.withLock { $0.waiting }
    }

    /// Ends every wait now (each gets `nil`) and makes every later wait return
    /// `nil` at once: the gateway calls it when graceful shutdown begins, so
    /// in-flight requests answer and the HTTP server can stop.
    public func close() {
        let woken = state.withLock { $0.close() }
        for waiter in woken { waiter.resume(nil) }
    }

    /// Reads replies until graceful shutdown, and times out waiters past their budget.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.readLoop() }
                group.addTask { await self.sweepLoop() }
                await group.waitForAll()
            }
        }
        close()
    }

    private func readLoop() async {
        let stream = broker.keys.replies(gateway: gatewayID)
        var lastID = "0-0"
        var failures = 0
        while !Task.isCancelled {
            do {
                let batches = try await reader.client.xread(streams: [(stream, lastID)], count: 512, block: .seconds(2))
                failures = 0
                for (_, entries) in batches {
                    for entry in entries {
                        lastID = entry.id
                        deliver(entry)
                    }
                }
            } catch {
                if Task.isCancelled { break }  // stopping: the read was ended on purpose
                failures += 1
                // Once, then about every 10 s while it lasts: sync calls wait their whole budget meanwhile
                // (a key of another type here, for one, is an operator's to repair).
                let level: Logger.Level = failures == 1 || failures % 100 == 0 ? .warning : .debug
                logger.log(level: level, "reply stream read failed; sync calls answer accepted after their budget until it reads again", metadata: [
                    "error": "\(error)", "stream": "\(stream)", "failures": "\(failures)",
                ])
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func deliver(_ entry: StreamEntry) {
        guard let jobID = entry["job_id"], let status = entry["status"].flatMap(JobStatus.init(rawValue:)) else { return }
        let result = entry["result"].flatMap { $0.isEmpty ? nil : (try? JSONParser.parse(Array($0.utf8)))?.objectValue }
        let error = JobError(storedCode: entry["error_code"], text: entry["error"])
        let reply = JobReply(jobID: jobID, status: status, result: result, error: error)
        let woken = state.withLock { $0.deliver(reply) }
        for waiter in woken { waiter.resume(reply) }
    }

    /// Ends waits whose budget ran out, for waiters off the event loops (those on
    /// a loop have a timer there): every 20 ms while such requests wait; with
    /// none waiting it sleeps until one starts (``sweepWait``), so an idle
    /// gateway does not wake for it at all.
    private func sweepLoop() async {
        while !Task.isCancelled {
            await sweepWait.sleep(atMost: .seconds(3_600), unlessBusy: { state.withLock { $0.waitingOnSweeper > 0 } })
            await Alarm.sleep(for: .milliseconds(20))
            let expired = state.withLock { waiters in waiters.expire(now: ContinuousClock.now) }
            for waiter in expired { waiter.resume(nil) }
        }
    }
}

/// One registration with a ``ReplyListener``: a job and which of its waiters.
public struct ReplyTicket: Sendable, Hashable {
    /// The job whose reply is awaited.
    public let jobID: String
    let serial: UInt64
}
