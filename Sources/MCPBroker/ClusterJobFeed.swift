import Logging
import RedisClient
import Synchronization

/// A worker's job reads on a Redis Cluster (DESIGN §10.4), where one XREADGROUP may
/// not span partitions (each is its own slot): every partition has at most one
/// blocking read standing, each on a connection of its own, so a job is handed to a
/// worker the moment it lands in any partition, by Redis itself (one command per job,
/// as on one server), and an idle worker sends P reads per block time.
///
/// - **Connections:** one per partition, opened on first use, to the node that holds
///   it (a `redis+cluster://` client each, so `MOVED`, `ASK` and failover apply).
/// - **How many jobs:** a read asks for ⌈room / P⌉ jobs (at least one), so the reads
///   standing at once may deliver up to `room + P − 1`; a sweep asks for at most `room`.
///   Jobs beyond the room, and jobs a read delivers while the worker is full (its last
///   call took all it asked for), are **handed back** at once (``Broker/handBack(_:)``:
///   appended to their stream again, the delivery acknowledged), so a busy worker never
///   sits on jobs an idle one could run. Reads and sweeps are sent only while this
///   buffer is empty.
/// - **Under load:** when a read comes back full (more jobs likely wait), the next call
///   reads every partition without blocking in one pipeline through the broker's shared
///   client, one round trip per node instead of one per partition, and keeps sweeping
///   while sweeps come back full; the standing reads take over again once one does not.
/// - **Fairness:** partitions are served in the order their jobs arrived; a busy
///   partition delays no other, whose reads stand on their own connections.
/// - **Bounded:** every read blocks at most the block time given; ``stop()`` ends them.
final class ClusterJobFeed: Sendable {
    private struct State {
        var buffered: [DeliveredJob] = []
        var reading = Set<Int>()
        var failure: BrokerError?
        var waiter: CheckedContinuation<Void, Never>?
        var signalled = false
        var stopped = false
        /// A read came back full: more jobs likely wait, so the next call sweeps the partitions.
        var sweepNext = false
        /// Where the next sweep starts (sweeps of fewer partitions than P take turns).
        var sweepTurn = 0
        /// Jobs the worker can still start, as of its last call: while it waits, what it asked
        /// for; after a call, what it asked for minus what it got (0: full, hand back deliveries).
        var room = 0
    }

    private let broker: Broker
    private let configuration: RedisConfiguration
    private let partitions: Int
    /// Each partition's connection, made on first use.
    private let readers: Mutex<[RedisClient?]>
    private let state = Mutex(State())

    init(broker: Broker, configuration: RedisConfiguration) {
        self.broker = broker
        self.configuration = configuration
        self.partitions = broker.keys.partitioning.count
        self.readers = Mutex(Array(repeating: nil, count: broker.keys.partitioning.count))
    }

    /// Up to `count` jobs for `consumer`: those already delivered here, else the first
    /// a standing read returns; empty when a read's block time passed with nothing.
    func next(consumer: String, count: Int, block: Duration) async throws(BrokerError) -> [DeliveredJob] {
        let want = max(1, count)
        state.withLock { $0.room = want }
        if let jobs = takeBuffered(want) { return jobs }
        if let failure = takeFailure() { throw failure }
        let perRead = max(1, (want + partitions - 1) / partitions)
        if state.withLock({ $0.sweepNext && !$0.stopped }) {
            let swept = try await sweep(consumer: consumer, want: want)
            if !swept.isEmpty {
                state.withLock { $0.buffered += swept }
                if let jobs = takeBuffered(want) { return jobs }
            }
        }
        for p in startReads() {
            Task { await self.read(partition: p, consumer: consumer, count: perRead, block: block) }
        }
        await waitForSignal()
        if let jobs = takeBuffered(want) { return jobs }
        if let failure = takeFailure() { throw failure }
        return []
    }

    /// Jobs delivered to this worker and not yet handed out (at shutdown: run them within the grace).
    func leftovers() -> [DeliveredJob] {
        state.withLock { state in defer { state.buffered = [] }; return state.buffered }
    }

    /// Ends every standing read and the wait for one; later calls return what is buffered, or nothing.
    func stop() {
        let waiter = state.withLock { state in
            state.stopped = true
            defer { state.waiter = nil }
            return state.waiter
        }
        for reader in readers.withLock({ $0 }) { reader?.interruptBlocking() }
        waiter?.resume()
    }

    /// Closes every partition's connection.
    func close() {
        stop()
        for reader in readers.withLock({ $0 }) { reader?.close() }
    }

    // MARK: Reads

    /// Hands out up to `count` buffered jobs (nil when none) and notes the room left; what
    /// is left over fills no room (standing reads that came back together), so it goes back.
    private func takeBuffered(_ count: Int) -> [DeliveredJob]? {
        let (taken, surplus) = state.withLock { state -> ([DeliveredJob]?, [DeliveredJob]) in
            guard !state.buffered.isEmpty else { return (nil, []) }
            let taken = Array(state.buffered.prefix(count))
            state.buffered.removeFirst(taken.count)
            state.room = count - taken.count
            guard state.room == 0, !state.stopped else { return (taken, []) }
            defer { state.buffered = [] }
            return (taken, state.buffered)
        }
        handBack(surplus)
        return taken
    }

    /// Appends jobs a read or sweep delivered; returns those to hand back because the
    /// worker is full and not waiting (they would otherwise wait here for its next call).
    private func deliver(_ jobs: [DeliveredJob], into state: inout State) -> [DeliveredJob] {
        guard state.waiter == nil, state.room == 0, !state.stopped else {
            state.buffered += jobs
            return []
        }
        return jobs
    }

    /// Hands jobs back to their streams for any worker; if that fails they stay pending
    /// here and are reclaimed after the lease, as a dead worker's would be.
    private func handBack(_ jobs: [DeliveredJob]) {
        guard !jobs.isEmpty else { return }
        Task {
            do {
                try await broker.handBack(jobs)
            } catch {
                broker.logger.warning("could not hand back jobs this worker cannot start; they are reclaimed after the lease", metadata: [
                    "job.ids": "\(jobs.map(\.jobID))", "error": "\(error)",
                ])
            }
        }
    }

    private func takeFailure() -> BrokerError? {
        state.withLock { state in defer { state.failure = nil }; return state.failure }
    }

    /// Marks the partitions without a standing read as reading and returns them (none once stopped).
    private func startReads() -> [Int] {
        state.withLock { state in
            guard !state.stopped else { return [] }
            let idle = (0..<partitions).filter { !state.reading.contains($0) }
            state.reading.formUnion(idle)
            state.signalled = false
            return idle
        }
    }

    private func read(partition p: Int, consumer: String, count: Int, block: Duration) async {
        let client = readers.withLock { readers in
            if let reader = readers[p] { return reader }
            let made = RedisClient(configuration: configuration, logger: broker.logger)
            readers[p] = made
            return made
        }
        let command = RedisCommand.xreadgroup(
            group: broker.keys.workerGroup, consumer: consumer, streams: [(broker.keys.stream(p), ">")], count: count, block: block)
        let outcome: Result<[DeliveredJob], BrokerError>
        do throws(BrokerError) {
            outcome = .success(try await BrokerError.mapping { () async throws(RedisError) in
                try await broker.deliveredJobs(in: try await client.send(command))
            })
        } catch {
            outcome = .failure(error)
        }
        let (waiter, unwanted) = state.withLock { state -> (CheckedContinuation<Void, Never>?, [DeliveredJob]) in
            state.reading.remove(p)
            var unwanted: [DeliveredJob] = []
            switch outcome {
            case .success(let jobs):
                unwanted = deliver(jobs, into: &state)
                if jobs.count >= count && unwanted.isEmpty { state.sweepNext = true }
            case .failure(let error): if !state.stopped { state.failure = error }
            }
            state.signalled = true
            defer { state.waiter = nil }
            return (state.waiter, unwanted)
        }
        handBack(unwanted)
        waiter?.resume()
    }

    /// New jobs of min(want, P) partitions (in turn) without blocking, at most `want` in
    /// all, in one pipeline (one round trip per node).
    private func sweep(consumer: String, want: Int) async throws(BrokerError) -> [DeliveredJob] {
        let swept = min(want, partitions)
        let count = max(1, want / swept)
        let first = state.withLock { state in
            defer { state.sweepTurn = (state.sweepTurn + swept) % partitions }
            return state.sweepTurn
        }
        return try await BrokerError.mapping { () async throws(RedisError) in
            let keys = broker.keys
            let replies = try await broker.redis.pipeline((0..<swept).map { offset in
                RedisCommand.xreadgroup(
                    group: keys.workerGroup, consumer: consumer, streams: [(keys.stream((first + offset) % partitions), ">")], count: count)
            })
            var jobs: [DeliveredJob] = []
            var full = false
            for reply in replies {
                let delivered = try await broker.deliveredJobs(in: try reply.orThrow())
                full = full || delivered.count >= count
                jobs += delivered
            }
            state.withLock { $0.sweepNext = full }
            return jobs
        }
    }

    /// Returns once a read has ended since the reads were last started (or at once when stopped).
    private func waitForSignal() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.signalled || state.stopped || !state.buffered.isEmpty { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
