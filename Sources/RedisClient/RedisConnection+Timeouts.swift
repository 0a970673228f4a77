import NIOCore

extension RedisConnection {
    /// The longest wait for a batch's replies: the command timeout plus its own `BLOCK` time.
    func roundTripTimeout(_ batch: Batch) -> TimeAmount {
        .milliseconds(Int64(configuration.commandTimeout.milliseconds + batch.blockingMillis))
    }

    /// The longest a batch's replies may take however many bytes keep arriving:
    /// ``RedisConfiguration/replyTimeLimit`` (10 command timeouts, 20 s, by default) plus its
    /// `BLOCK` time. Far above any real reply (a pipeline of 10 000 commands, 64 MiB of stream
    /// entries), it ends a reply that keeps coming at ``RedisConfiguration/minimumReplyRate`` or
    /// faster for ever, which the progress rule alone would wait on without end.
    func longestReply(_ batch: Batch) -> TimeAmount {
        let limit = configuration.replyTimeLimit?.milliseconds ?? configuration.commandTimeout.milliseconds.multipliedReportingOverflow(by: 10).partialValue
        return .milliseconds(Int64(limit.addingReportingOverflow(batch.blockingMillis).partialValue))
    }

    /// Bytes that must move, read or written, for the socket to have made progress:
    /// ``RedisConfiguration/minimumReplyRate`` × ``RedisConfiguration/commandTimeout``, at least 1.
    var progressQuantum: Int {
        let rate = max(0, configuration.minimumReplyRate)
        let (product, overflow) = rate.multipliedReportingOverflow(by: configuration.commandTimeout.milliseconds)
        return overflow ? Int.max / 1000 : max(1, product / 1000)
    }

    /// Counts `bytes` read or written on the socket of `generation`; once they add up to
    /// ``progressQuantum`` since the last progress, that is progress (``RedisConnectionState/lastProgress``).
    /// A few bytes now and then (a trickling server, a short command written) are not.
    func moved(_ bytes: Int, generation: Int) {
        let state = self.state.value
        guard state.generation == generation else { return }
        let (sum, overflow) = state.bytesSinceProgress.addingReportingOverflow(max(0, bytes))
        state.bytesSinceProgress = overflow ? Int.max : sum
        if state.bytesSinceProgress >= progressQuantum {
            state.bytesSinceProgress = 0
            state.lastProgress = NIODeadline.now()
        }
    }

    /// Arms the timer for the oldest batch on the wire, if none is armed.
    func armTimer() {
        let state = self.state.value
        guard state.timer == nil, let head = state.onTheWire.first else { return }
        let generation = state.generation
        let due = head.deadline
        state.timer = eventLoop.scheduleTask(deadline: due) { [self] in timerFired(generation: generation, scheduledFor: due) }
    }

    /// Checks the oldest batch on the wire: not due yet, the timer is armed again; overdue, the connection is dropped with `timeout`.
    ///
    /// Two cases are not blamed on Redis: a loop that ran late sees its timer and
    /// the reply together, the timer maybe first, so it gets one more turn to read;
    /// and a timer that fired a quarter of the timeout late means this process was
    /// starved, so the wait said little about Redis and it gets one more timeout.
    func timerFired(generation: Int, scheduledFor: NIODeadline) {
        let state = self.state.value
        guard generation == state.generation else { return }
        state.timer = nil
        guard let head = state.onTheWire.first else { return }
        let now = NIODeadline.now()
        let timeout = roundTripTimeout(head.batch)
        // Bytes still moving fast enough (a long reply read, a long request written: `moved`) count as progress,
        // as a blocking socket's timeouts did, up to the longest any reply may take.
        let cutOff = head.oldestSince + longestReply(head.batch)
        if now >= cutOff {
            let progress = "\(state.replies.count) of \(head.batch.commands.count) replies read"
            dropConnection(RedisError(
                code: .timeout,
                message: "reading a reply from \(configuration.endpoint) failed: bytes kept coming for \((now - head.oldestSince).nanoseconds / 1_000_000) ms without a whole reply (\(progress))"))
            return
        }
        if head.deadline <= now, let lastRead = state.lastProgress, lastRead + timeout > now {
            state.onTheWire[state.onTheWire.startIndex].deadline = min(lastRead + timeout, cutOff)
        }
        guard state.onTheWire[state.onTheWire.startIndex].deadline <= now else {
            armTimer()
            return
        }
        if !state.extendedOnce && (now - scheduledFor).nanoseconds > timeout.nanoseconds / 4 {
            state.extendedOnce = true
            state.onTheWire[state.onTheWire.startIndex].deadline = now + timeout
            armTimer()
        } else if !state.overdueOnce {
            state.overdueOnce = true
            state.timer = eventLoop.scheduleTask(in: .milliseconds(5)) { [self] in timerFired(generation: generation, scheduledFor: now + .milliseconds(5)) }
        } else {
            let waited = head.batch.blockingMillis + configuration.commandTimeout.milliseconds
            let progress = "\(state.replies.count) of \(head.batch.commands.count) replies read"
            dropConnection(RedisError(code: .timeout, message: "reading a reply from \(configuration.endpoint) failed: no answer within \(waited) ms (\(progress))"))
        }
    }
}
