import NIOCore

extension RedisConnection {
    /// The longest wait for a batch's replies: the command timeout plus its own `BLOCK` time.
    func roundTripTimeout(_ batch: Batch) -> TimeAmount {
        .milliseconds(Int64(configuration.commandTimeout.milliseconds + batch.blockingMillis))
    }

    /// The longest a batch's replies may take however many bytes keep arriving:
    /// ``RedisConfiguration/replyTimeLimit`` (30 command timeouts, a minute, by default) plus its
    /// `BLOCK` time. Far above any real reply (a pipeline of 10 000 commands, 500 stream entries of
    /// 1 MiB), it ends a reply that trickles in for ever, which the progress rule alone would wait
    /// on without end.
    func longestReply(_ batch: Batch) -> TimeAmount {
        let limit = configuration.replyTimeLimit?.milliseconds ?? configuration.commandTimeout.milliseconds.multipliedReportingOverflow(by: 30).partialValue
        return .milliseconds(Int64(limit.addingReportingOverflow(batch.blockingMillis).partialValue))
    }
}
