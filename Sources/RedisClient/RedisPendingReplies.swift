import Synchronization

/// Replies that will arrive later, e.g. of a blocking read sent in the same
/// write as commands whose replies the caller needed first.
public final class RedisPendingReplies: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Result<[RedisValue], RedisError>, Never>?)
        case done(Result<[RedisValue], RedisError>)
    }

    private let state = Mutex(State.waiting(nil))

    init() {}

    func fulfil(_ result: Result<[RedisValue], RedisError>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<[RedisValue], RedisError>, Never>? in
            defer { state = .done(result) }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiter?.resume(returning: result)
    }

    /// The replies, once they have arrived (error replies stay values, as in ``RedisClient/pipeline(_:)``).
    public func get() async throws(RedisError) -> [RedisValue] {
        let result = await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<[RedisValue], RedisError>? in
                switch state {
                case .done(let result): return result
                case .waiting: state = .waiting(continuation); return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try result.get()
    }
}
