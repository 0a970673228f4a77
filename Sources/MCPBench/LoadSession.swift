import Histogram
import NIOCore

/// The state of one load phase, confined to a single event loop: which
/// request goes next, which connections are idle, what was measured.
final class LoadSession {
    private let plan: LoadPlan
    private let loop: any EventLoop
    let promise: EventLoopPromise<LoadResult>
    private var connections: [LoadConnection] = []
    private var idle: [LoadConnection] = []
    private var next = 0
    private var inFlight = 0
    /// Open loop: due times of requests that found no idle connection.
    private var backlog: [UInt64] = []
    private var backlogHead = 0
    private var startNanos: UInt64 = 0
    private var stopNanos: UInt64 = .max
    private var result = LoadResult()
    private var finished = false

    init(plan: LoadPlan, loop: any EventLoop) {
        self.plan = plan
        self.loop = loop
        self.promise = loop.makePromise(of: LoadResult.self)
    }

    func add(_ connection: LoadConnection) {
        connections.append(connection)
    }

    /// Starts the clock once every connection is open.
    func start() {
        startNanos = NIODeadline.now().uptimeNanoseconds
        if let limit = plan.limit {
            stopNanos = startNanos + UInt64(limit.components.seconds) * 1_000_000_000 + UInt64(limit.components.attoseconds / 1_000_000_000)
        }
        result.firstSendNanos = startNanos
        switch plan.pacing {
        case .closed:
            for connection in connections { dispatch(connection, now: startNanos) }
        case .open:
            idle = connections
            tick()
        }
        finishIfDone()
    }

    private var moreToIssue: Bool { next < plan.requests.count }

    /// Closed loop: give an idle connection its next request.
    private func dispatch(_ connection: LoadConnection, now: UInt64) {
        guard moreToIssue, now < stopNanos else { return }
        let request = plan.requests[next]
        next += 1
        inFlight += 1
        connection.send(request, due: now, now: now)
    }

    /// Open loop: issue every request that is due, then sleep until the next one.
    private func tick() {
        guard case .open(let rate) = plan.pacing else { return }
        let interval = 1_000_000_000 / UInt64(rate)
        let now = NIODeadline.now().uptimeNanoseconds
        while moreToIssue {
            let due = startNanos + UInt64(next) * interval
            if due > now || due >= stopNanos { break }
            if let connection = idle.popLast() {
                let request = plan.requests[next]
                next += 1
                inFlight += 1
                connection.send(request, due: due, now: now)
            } else {
                backlog.append(due)
                next += 1
                inFlight += 1
            }
        }
        let due = startNanos + UInt64(next) * interval
        if moreToIssue && due < stopNanos {
            loop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(due)) { [self] in tick() }
        } else {
            finishIfDone()
        }
    }

    func answered(_ connection: LoadConnection, frame: HTTPResponseFrame, due: UInt64, sent: UInt64, now: UInt64) {
        inFlight -= 1
        result.completed += 1
        result.statuses[frame.status, default: 0] += 1
        result.lastResponseNanos = now
        _ = result.latency.record(now > due ? now - due : 0)
        _ = result.serviceTime.record(now > sent ? now - sent : 0)
        if plan.keepBodies { result.bodies.append(frame.body) }
        switch plan.pacing {
        case .closed:
            dispatch(connection, now: now)
        case .open:
            if backlogHead < backlog.count {
                // The request was counted in flight when it was queued; its index is behind `next`.
                let queuedDue = backlog[backlogHead]
                let index = next - (backlog.count - backlogHead)
                backlogHead += 1
                connection.send(plan.requests[index], due: queuedDue, now: now)
            } else {
                idle.append(connection)
            }
        }
        finishIfDone()
    }

    func lost(_ connection: LoadConnection) {
        guard !finished else { return }
        result.connectionFailures += 1
        if connection.isBusy { inFlight -= 1 }
        connections.removeAll { $0 === connection }
        idle.removeAll { $0 === connection }
        if connections.isEmpty {
            finish()
        } else {
            finishIfDone()
        }
    }

    private func finishIfDone() {
        guard !finished, inFlight == 0 else { return }
        let now = NIODeadline.now().uptimeNanoseconds
        if moreToIssue && now < stopNanos {
            if case .closed = plan.pacing { return }
            if case .open = plan.pacing { return }
        }
        finish()
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        for connection in connections { connection.close() }
        promise.succeed(result)
    }
}
