import CHiredis
import Foundation
import Logging
import Synchronization

/// One connection to Redis, driven by a dedicated OS thread.
///
/// Blocking hiredis calls never run on Swift's cooperative pool. Callers
/// enqueue batches; the I/O thread takes every batch waiting at that moment,
/// writes all their commands in one pipeline, reads the replies in order and
/// resumes each caller. So many concurrent callers share one connection and
/// one round trip.
///
/// After any I/O error the context is dropped. The next batch reconnects at
/// once; if that fails, further attempts wait an exponential backoff, and
/// callers in the meantime get a `connection` error immediately (no hang).
final class RedisConnection: @unchecked Sendable {
    // @unchecked: `pending` and `closed` are guarded by `condition`; every
    // other stored var is touched only by the I/O thread.

    private struct Batch {
        let commands: [RedisCommand]
        let complete: @Sendable (Result<[RedisValue], RedisError>) -> Void
    }

    private let configuration: RedisConfiguration
    private let logger: Logger
    private let condition = NSCondition()
    private var pending: [Batch] = []
    private var closed = false

    /// The socket of a round trip that holds a blocking command, while it runs: a
    /// cancelled caller shuts it down so the blocked read ends at once. The I/O
    /// thread clears it (under the lock) before the context can be freed, so a
    /// shutdown never reaches a descriptor number that was reused.
    private let blockingSocket = Mutex(BlockingRead.idle)

    private enum BlockingRead {
        case idle
        case running(socket: Int32)
        /// A blocking caller was cancelled before its round trip started: refuse that round trip.
        case cancelRequested
    }
    private var context: HiredisContext?
    private var nextConnectAttempt: ContinuousClock.Instant?
    private var backoff: Duration
    private var lastConnectError: RedisError?
    private var currentTimeoutMillis: Int

    init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.backoff = configuration.reconnectInitialBackoff
        self.currentTimeoutMillis = configuration.commandTimeout.milliseconds
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "redis-io"
        thread.start()
    }

    /// Sends commands as one pipelined unit and returns their replies in order.
    ///
    /// A caller cancelled while its blocking command (`XREADGROUP … BLOCK`) waits
    /// ends the wait at once: the socket is shut down, the round trip fails with a
    /// `connection` error (the next call reconnects), and Redis drops the blocked
    /// read without delivering anything to it. So readers can block for seconds
    /// and a graceful shutdown still stops them immediately.
    func execute(_ commands: [RedisCommand]) async -> Result<[RedisValue], RedisError> {
        if commands.isEmpty { return .success([]) }
        guard commands.contains(where: { $0.blockingMillis > 0 }) else { return await enqueueAndWait(commands) }
        if Task.isCancelled { return .failure(Self.cancelledWait) }
        return await withTaskCancellationHandler {
            await enqueueAndWait(commands)
        } onCancel: {
            interruptBlocking()
        }
    }

    /// Ends the blocking command in flight at once (its round trip fails and the
    /// next call reconnects; Redis, seeing the socket close, delivers nothing to
    /// it), or, if none runs yet, refuses the next blocking round trip once.
    func interruptBlocking() {
        blockingSocket.withLock { state in
            switch state {
            case .running(let socket): _ = shutdown(socket, Int32(SHUT_RDWR))
            case .idle, .cancelRequested: state = .cancelRequested
            }
        }
    }

    /// Ends the blocking command in flight, if one runs; returns whether one did
    /// (unlike ``interruptBlocking()``, it never marks the next blocking round trip).
    func interruptBlockingIfRunning() -> Bool {
        blockingSocket.withLock { state in
            guard case .running(let socket) = state else { return false }
            _ = shutdown(socket, Int32(SHUT_RDWR))
            return true
        }
    }

    private static let cancelledWait = RedisError(code: .cancelled, message: "the blocking read was cancelled by its caller")

    private func enqueueAndWait(_ commands: [RedisCommand]) async -> Result<[RedisValue], RedisError> {
        await withCheckedContinuation { continuation in
            condition.lock()
            if closed {
                condition.unlock()
                continuation.resume(returning: .failure(RedisError(code: .closed, message: "the Redis client was closed")))
                return
            }
            pending.append(Batch(commands: commands, complete: { continuation.resume(returning: $0) }))
            condition.signal()
            condition.unlock()
        }
    }

    /// Queues several batches at once, so they go out in the same write; each is
    /// completed as soon as its own replies are read (a later blocking command does
    /// not hold back the replies before it).
    func enqueue(_ batches: [(commands: [RedisCommand], complete: @Sendable (Result<[RedisValue], RedisError>) -> Void)]) {
        condition.lock()
        if closed {
            condition.unlock()
            for batch in batches { batch.complete(.failure(RedisError(code: .closed, message: "the Redis client was closed"))) }
            return
        }
        for batch in batches where !batch.commands.isEmpty { pending.append(Batch(commands: batch.commands, complete: batch.complete)) }
        condition.signal()
        condition.unlock()
        for batch in batches where batch.commands.isEmpty { batch.complete(.success([])) }
    }

    /// Stops the I/O thread after the batches already taken; queued callers get `closed`.
    func close() {
        condition.lock()
        closed = true
        let abandoned = pending
        pending = []
        condition.signal()
        condition.unlock()
        for batch in abandoned {
            batch.complete(.failure(RedisError(code: .closed, message: "the Redis client was closed")))
        }
    }

    private func runLoop() {
        chiredis_block_sigpipe_on_this_thread()
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if closed {
                condition.unlock()
                break
            }
            let batches = pending
            pending = []
            condition.unlock()
            process(batches)
        }
        context = nil
    }

    private func process(_ batches: [Batch]) {
        let connected: HiredisContext
        do {
            connected = try connectIfNeeded()
        } catch {
            let unsent = error.markedNotSent()
            for batch in batches { batch.complete(.failure(unsent)) }
            return
        }
        var next = 0
        while next < batches.count {
            // One round trip: whole batches up to the pipeline depth (a larger single batch goes alone, in chunks).
            var end = next
            var commandCount = 0
            while end < batches.count && (end == next || commandCount + batches[end].commands.count <= configuration.maxPipelineDepth) {
                commandCount += batches[end].commands.count
                end += 1
            }
            var completed = next
            do {
                try roundTrip(batches[next..<end], on: connected, completed: &completed)
            } catch {
                logger.debug("redis round trip failed", metadata: ["redis.error": "\(error)"])
                context = nil
                nextConnectAttempt = nil
                for batch in batches[completed...] { batch.complete(.failure(error)) }
                return
            }
            next = end
        }
    }

    /// Writes and reads one pipelined round; `completed` counts the batches already resumed.
    private func roundTrip(_ batches: ArraySlice<Batch>, on context: HiredisContext, completed: inout Int) throws(RedisError) {
        let blocking = batches.lazy.flatMap { $0.commands }.map(\.blockingMillis).max() ?? 0
        let timeout = configuration.commandTimeout.milliseconds + blocking
        if timeout != currentTimeoutMillis {
            try context.setTimeout(millis: timeout)
            currentTimeoutMillis = timeout
        }
        if blocking > 0 {
            let cancelled = blockingSocket.withLock { state -> Bool in
                if case .cancelRequested = state {
                    state = .idle
                    return true
                }
                state = .running(socket: context.fileDescriptor)
                return false
            }
            if cancelled { throw Self.cancelledWait }
        }
        defer { if blocking > 0 { blockingSocket.withLock { $0 = .idle } } }
        let depth = configuration.maxPipelineDepth
        if batches.count == 1, let batch = batches.first, batch.commands.count > depth {
            // A batch larger than the pipeline depth goes alone, written and read in chunks so buffers stay bounded.
            var replies = [RedisValue]()
            replies.reserveCapacity(batch.commands.count)
            var start = 0
            while start < batch.commands.count {
                let stop = min(start + depth, batch.commands.count)
                for command in batch.commands[start..<stop] { try context.append(command) }
                for _ in start..<stop { replies.append(try context.readReply()) }
                start = stop
            }
            batch.complete(.success(replies))
            completed += 1
            return
        }
        for batch in batches {
            for command in batch.commands { try context.append(command) }
        }
        for batch in batches {
            var replies = [RedisValue]()
            replies.reserveCapacity(batch.commands.count)
            for _ in batch.commands { replies.append(try context.readReply()) }
            batch.complete(.success(replies))
            completed += 1
        }
    }

    private func connectIfNeeded() throws(RedisError) -> HiredisContext {
        if let context { return context }
        let now = ContinuousClock.now
        if let nextAttempt = nextConnectAttempt, now < nextAttempt, let lastError = lastConnectError {
            let wait = (nextAttempt - now).milliseconds
            throw RedisError(code: lastError.code, message: "\(lastError.message) (next reconnect attempt in \(wait) ms)")
        }
        do {
            let fresh = try HiredisContext.connect(
                to: configuration.endpoint,
                connectTimeoutMillis: configuration.connectTimeout.milliseconds,
                commandTimeoutMillis: configuration.commandTimeout.milliseconds)
            currentTimeoutMillis = configuration.commandTimeout.milliseconds
            try handshake(fresh)
            if lastConnectError != nil {
                logger.info("reconnected to redis", metadata: ["redis.endpoint": "\(configuration.endpoint)"])
            }
            context = fresh
            lastConnectError = nil
            nextConnectAttempt = nil
            backoff = configuration.reconnectInitialBackoff
            return fresh
        } catch {
            if lastConnectError == nil {
                logger.warning("redis unreachable", metadata: ["redis.endpoint": "\(configuration.endpoint)", "redis.error": "\(error.message)"])
            }
            lastConnectError = error
            nextConnectAttempt = now + backoff
            backoff = min(backoff * 2, configuration.reconnectMaxBackoff)
            throw error
        }
    }

    /// AUTH and SELECT, pipelined, right after connecting.
    private func handshake(_ context: HiredisContext) throws(RedisError) {
        let endpoint = configuration.endpoint
        var commands = [RedisCommand]()
        if let password = endpoint.password {
            commands.append(RedisCommand("AUTH", endpoint.user.map { [$0, password] } ?? [password]))
        }
        if endpoint.database != 0 {
            commands.append(RedisCommand("SELECT", [String(endpoint.database)]))
        }
        for command in commands { try context.append(command) }
        for command in commands {
            if case .error(let message) = try context.readReply() {
                let what = command.name == "AUTH" ? "AUTH as \(endpoint.user ?? "default")" : "SELECT \(endpoint.database)"
                throw RedisError(code: .authentication, message: "\(what) on \(endpoint) was refused: \(message)")
            }
        }
    }
}
