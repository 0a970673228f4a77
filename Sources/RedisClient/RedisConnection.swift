import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One connection to Redis, on a SwiftNIO event loop.
///
/// Callers hand in batches of commands from any thread; the event loop takes
/// every batch waiting at that moment, writes all their commands in one
/// flush, and completes each batch, on the loop, as soon as its own replies
/// are read (hiredis's reply reader parses them, ``RedisReplyHandler``). So
/// concurrent callers share one connection and one round trip, and a task
/// that runs on the same loop (the gateway and worker make the event loops
/// Swift's global executor) sends and hears its commands without a thread switch.
///
/// After any I/O or protocol error the connection is dropped. The next batch
/// reconnects at once; if that fails, further attempts wait an exponential
/// backoff, and callers in the meantime get a `connection` error immediately
/// (no hang). A round trip that takes longer than the command timeout (plus a
/// blocking command's own wait) fails with `timeout` and drops the connection.
final class RedisConnection: Sendable {
    /// Commands sent together, completed together.
    struct Batch {
        let commands: [RedisCommand]
        let complete: @Sendable (Result<[RedisValue], RedisError>) -> Void
        /// The longest `BLOCK` among the commands, in milliseconds (0: none blocks).
        let blockingMillis: Int

        init(commands: [RedisCommand], complete: @escaping @Sendable (Result<[RedisValue], RedisError>) -> Void) {
            self.commands = commands
            self.complete = complete
            self.blockingMillis = commands.lazy.map(\.blockingMillis).max() ?? 0
        }
    }

    /// Batches handed in and not yet taken by the event loop.
    private struct Inbox {
        var batches: [Batch] = []
        var drainScheduled = false
        var closed = false
    }

    /// Whether a blocking command is on the wire, so ``interruptBlocking()`` can end it.
    private enum BlockingRead {
        case idle
        case running(any Channel)
        /// A blocking caller was cancelled before its commands were written: refuse them.
        case cancelRequested
    }

    let configuration: RedisConfiguration
    let logger: Logger
    /// The event loop that owns the socket and ``state``.
    let eventLoop: any EventLoop
    private let inbox = Mutex(Inbox())
    private let blocking = Mutex(BlockingRead.idle)
    let state: NIOLoopBoundBox<RedisConnectionState>

    init(configuration: RedisConfiguration, logger: Logger, eventLoop: (any EventLoop)? = nil) {
        self.configuration = configuration
        self.logger = logger
        let loop = eventLoop ?? MultiThreadedEventLoopGroup.singleton.any()
        self.eventLoop = loop
        self.state = .makeBoxSendingValue(RedisConnectionState(backoff: configuration.reconnectInitialBackoff), eventLoop: loop)
    }

    /// Sends commands as one pipelined unit and returns their replies in order.
    ///
    /// A caller cancelled while its blocking command (`XREADGROUP … BLOCK`) waits
    /// ends the wait at once: the connection is closed, the round trip fails with a
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
        let running = blocking.withLock { state -> (any Channel)? in
            switch state {
            case .running(let channel): return channel
            case .idle, .cancelRequested:
                state = .cancelRequested
                return nil
            }
        }
        // Outside the lock: on the connection's own loop, closing runs its handlers at once.
        running?.close(promise: nil)
    }

    /// Ends the blocking command in flight, if one runs; returns whether one did
    /// (unlike ``interruptBlocking()``, it never marks the next blocking round trip).
    func interruptBlockingIfRunning() -> Bool {
        let running = blocking.withLock { state -> (any Channel)? in
            guard case .running(let channel) = state else { return nil }
            return channel
        }
        running?.close(promise: nil)
        return running != nil
    }

    private static let cancelledWait = RedisError(code: .cancelled, message: "the blocking read was cancelled by its caller")
    static let closedError = RedisError(code: .closed, message: "the Redis client was closed")

    private func enqueueAndWait(_ commands: [RedisCommand]) async -> Result<[RedisValue], RedisError> {
        await withCheckedContinuation { continuation in
            submit([Batch(commands: commands, complete: { continuation.resume(returning: $0) })])
        }
    }

    /// Queues several batches at once, so they go out in the same write; each is
    /// completed as soon as its own replies are read (a later blocking command does
    /// not hold back the replies before it).
    func enqueue(_ batches: [(commands: [RedisCommand], complete: @Sendable (Result<[RedisValue], RedisError>) -> Void)]) {
        var queued = [Batch]()
        queued.reserveCapacity(batches.count)
        for batch in batches {
            if batch.commands.isEmpty {
                batch.complete(.success([]))
            } else {
                queued.append(Batch(commands: batch.commands, complete: batch.complete))
            }
        }
        submit(queued)
    }

    /// Stops taking batches; queued callers get `closed`, commands already written still get their replies, then the socket closes.
    func close() {
        let abandoned = inbox.withLock { inbox -> [Batch] in
            inbox.closed = true
            defer { inbox.batches = [] }
            return inbox.batches
        }
        for batch in abandoned { batch.complete(.failure(Self.closedError)) }
        eventLoop.execute { self.closeOnLoop() }
    }

    // MARK: - On the event loop

    private func submit(_ batches: [Batch]) {
        guard !batches.isEmpty else { return }
        let (schedule, closed) = inbox.withLock { inbox -> (Bool, Bool) in
            if inbox.closed { return (false, true) }
            inbox.batches.append(contentsOf: batches)
            if inbox.drainScheduled { return (false, false) }
            inbox.drainScheduled = true
            return (true, false)
        }
        if closed {
            for batch in batches { batch.complete(.failure(Self.closedError)) }
            return
        }
        // On the loop itself this runs after the current task: every batch handed in meanwhile goes in the same flush.
        if schedule { eventLoop.execute { self.drain() } }
    }

    private func drain() {
        let batches = inbox.withLock { inbox -> [Batch] in
            inbox.drainScheduled = false
            defer { inbox.batches = [] }
            return inbox.batches
        }
        let state = self.state.value
        if state.closing {
            for batch in batches { batch.complete(.failure(Self.closedError)) }
            return
        }
        state.waiting.append(contentsOf: batches)
        if state.ready, let channel = state.channel {
            writeWaiting(on: channel)
            return
        }
        if state.connecting { return }
        let now = NIODeadline.now()
        if let nextAttempt = state.nextConnectAttempt, now < nextAttempt, let lastError = state.lastConnectError {
            let wait = (nextAttempt - now).nanoseconds / 1_000_000
            failWaiting(RedisError(code: lastError.code, message: "\(lastError.message) (next reconnect attempt in \(wait) ms)").markedNotSent())
            return
        }
        connect()
    }

    /// Writes waiting batches while the commands on the wire stay within the pipeline depth (a larger batch goes alone).
    func writeWaiting(on channel: any Channel) {
        let state = self.state.value
        var batches = [Batch]()
        var commands = state.commandsOnTheWire
        var taken = 0
        for batch in state.waiting {
            if commands > 0 && commands + batch.commands.count > configuration.maxPipelineDepth { break }
            taken += 1
            if batch.blockingMillis > 0 && !markBlockingRunning(on: channel) {
                batch.complete(.failure(Self.cancelledWait))
                continue
            }
            commands += batch.commands.count
            batches.append(batch)
        }
        state.waiting.removeFirst(taken)
        write(batches, on: channel)
    }

    /// Encodes the batches into one buffer, flushes it, and expects their replies.
    func write(_ batches: [Batch], on channel: any Channel) {
        guard !batches.isEmpty else { return }
        let state = self.state.value
        var size = 0
        for batch in batches {
            for command in batch.commands { size += RESPCommandEncoder.encodedSize(of: command) }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(size)
        for batch in batches {
            for command in batch.commands { RESPCommandEncoder.encode(command, into: &bytes) }
        }
        let now = NIODeadline.now()
        for batch in batches {
            state.onTheWire.append(RedisConnectionState.Sent(batch: batch, deadline: now + roundTripTimeout(batch), oldestSince: now))
            state.commandsOnTheWire += batch.commands.count
        }
        // A large write that the server reads slowly is progress too, as each blocking write was:
        // it goes out in slices, and each slice written counts.
        let generation = state.generation
        var start = 0
        while bytes.count - start > Self.writeSlice {
            channel.write(channel.allocator.buffer(bytes: bytes[start..<(start + Self.writeSlice)])).whenSuccess { [self] in
                moved(Self.writeSlice, generation: generation)
            }
            start += Self.writeSlice
        }
        let last = bytes.count - start
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes[start...])).whenSuccess { [self] in moved(last, generation: generation) }
        armTimer()
    }

    /// Writes longer than this go out in slices of it, each slice written counting as progress.
    static let writeSlice = 256 * 1024

    /// Marks a blocking command as on the wire; false if its caller was cancelled already.
    private func markBlockingRunning(on channel: any Channel) -> Bool {
        blocking.withLock { state in
            if case .cancelRequested = state {
                state = .idle
                return false
            }
            state = .running(channel)
            return true
        }
    }

    /// A reply read from the socket of `generation`: it belongs to the oldest batch on the wire.
    func received(_ value: RedisValue, generation: Int) {
        let state = self.state.value
        guard generation == state.generation, state.channel != nil else { return }
        if let onPush = configuration.onPush, let push = RedisPush.decode(value) { return onPush(push) }
        guard let head = state.onTheWire.first else {
            dropConnection(RedisError(code: .protocol, message: "Redis sent a reply nobody asked for (from \(configuration.endpoint))"))
            return
        }
        state.replies.append(value)
        state.overdueOnce = false
        state.extendedOnce = false
        guard state.replies.count >= head.batch.commands.count else {
            // A long batch keeps its socket as long as replies keep coming, as a blocking socket's read timeout did.
            state.onTheWire[state.onTheWire.startIndex].deadline = NIODeadline.now() + roundTripTimeout(head.batch)
            return
        }
        state.onTheWire.removeFirst()
        state.commandsOnTheWire -= head.batch.commands.count
        let replies = state.replies
        state.replies = []
        if head.batch.blockingMillis > 0 { blocking.withLock { $0 = .idle } }
        // The next batch's replies are due within a timeout from now, not from when it was written.
        if !state.onTheWire.isEmpty {
            let index = state.onTheWire.startIndex
            let now = NIODeadline.now()
            let due = now + roundTripTimeout(state.onTheWire[index].batch)
            if state.onTheWire[index].deadline < due { state.onTheWire[index].deadline = due }
            state.onTheWire[index].oldestSince = now
        }
        head.batch.complete(.success(replies))
        guard generation == state.generation, state.ready, let channel = state.channel else { return }
        if state.closing && state.onTheWire.isEmpty {
            dropConnection(Self.closedError)
        } else if !state.waiting.isEmpty {
            writeWaiting(on: channel)
        }
    }

    /// Fails every batch on the wire with `error` and closes the socket. A ready
    /// connection reconnects at the next batch (at once if batches wait); a
    /// connection still logging in counts as a failed attempt (backoff).
    func dropConnection(_ error: RedisError) {
        let state = self.state.value
        guard let channel = state.channel else { return }
        logger.debug("redis connection dropped", metadata: ["redis.error": "\(error)"])
        let wasReady = state.ready
        state.generation += 1
        state.channel = nil
        state.ready = false
        state.timer?.cancel()
        state.timer = nil
        state.overdueOnce = false
        state.extendedOnce = false
        state.lastProgress = nil
        state.bytesSinceProgress = 0
        state.replies = []
        state.commandsOnTheWire = 0
        let sent = state.onTheWire
        state.onTheWire.removeAll()
        blocking.withLock { if case .running = $0 { $0 = .idle } }
        channel.close(promise: nil)
        for entry in sent { entry.batch.complete(.failure(error)) }
        if wasReady { configuration.onPush?(.disconnected) }
        if !wasReady {
            connectFailed(error)
        } else if !state.waiting.isEmpty && !state.closing {
            // Batches held back by the pipeline depth were never written: they go on a new socket.
            state.nextConnectAttempt = nil
            connect()
        } else {
            state.nextConnectAttempt = nil
        }
    }

    func failWaiting(_ error: RedisError) {
        let state = self.state.value
        let failed = state.waiting
        state.waiting = []
        for batch in failed { batch.complete(.failure(error)) }
    }

    private func closeOnLoop() {
        let state = self.state.value
        state.closing = true
        failWaiting(Self.closedError)
        if state.onTheWire.isEmpty || state.onTheWire.contains(where: { $0.batch.blockingMillis > 0 }) {
            dropConnection(Self.closedError)
        }
    }
}
