import Logging
import RedisClient
import Synchronization

/// A worker's job reads on a Redis Cluster (DESIGN §10.4), where one XREADGROUP may
/// not span partitions (each is its own slot). Instead of a blocking read standing per
/// partition, the worker listens to the partitions' bells (``PartitionBells``: one
/// subscriber connection per primary) and reads, without blocking, only the partitions
/// whose bell rang.
///
/// - **Connections:** one subscriber per primary plus the broker's shared client (one
///   connection per node), whatever the number of partitions.
/// - **How many jobs:** a call reads at most `count` rung partitions, asking each for
///   ⌊count / partitions read⌋ jobs (at least one), so it never receives more
///   than the room it asked for: nothing is buffered or handed back.
/// - **Under load:** a partition whose read came back full rings again (more jobs likely
///   wait) and goes to the back of the queue, so a busy partition delays no other; the
///   reads of one call go out in one pipeline (one round trip per node).
/// - **Bounded:** a call returns after `block` with nothing, and each such timeout checks
///   the subscriptions. ``stop()`` ends a wait at once.
/// - **Two listeners per bell:** once per block time the feed re-reads the live workers
///   (each bell is heard by two of them, ``PartitionBells``) and, busy or not, sweeps every
///   partition, so a missed bell, or a partition whose listeners are gone or saturated,
///   costs at most one block time.
final class ClusterJobFeed: Sendable {
    private let broker: Broker
    private let bells: PartitionBells
    /// When the live workers are next read and every partition is next swept.
    private let nextRound = Mutex<ContinuousClock.Instant?>(nil)
    /// Partitions whose read could not be sent (their node down, their slot unserved), and until when
    /// they are left out of reads, so they do not hold back every other partition's jobs meanwhile.
    private let quarantine = Mutex<[Int: ContinuousClock.Instant]>([:])
    /// How long a partition whose read could not be sent is left out.
    static let quarantineTime: Duration = .seconds(5)

    init(broker: Broker) {
        self.broker = broker
        self.bells = PartitionBells(broker: broker)
    }

    /// Up to `count` jobs for `consumer` from the partitions whose bell rang, waiting up to
    /// `block` for one to ring; empty when the block time passed with nothing (or once stopped).
    func next(consumer: String, count: Int, block: Duration) async throws(BrokerError) -> [DeliveredJob] {
        let want = max(1, count)
        let deadline = ContinuousClock.now + block
        let round = nextRound.withLock { next -> Bool in
            guard next.map({ $0 <= ContinuousClock.now }) ?? true else { return false }
            next = ContinuousClock.now + block
            return true
        }
        if round {
            await bells.refreshMembers(me: consumer)
            bells.ring(broker.keys.partitioning.all)
        }
        // Each turn reads rung partitions or waits for a bell; the deadline bounds the waits and
        // each read takes at least one partition off the queue, which only bells and full reads refill.
        while !bells.isStopped {
            if bells.needsSubscribing { await bells.subscribe() }
            let partitions = bells.takeRung(upTo: want)
            if !partitions.isEmpty {
                let jobs = try await read(partitions, consumer: consumer, want: want)
                if !jobs.isEmpty { return jobs }
                if ContinuousClock.now < deadline { continue }
                break
            }
            guard ContinuousClock.now < deadline else { break }
            // A failed subscription is tried again when due, within this call's block time.
            let wakeAt = bells.retryAt.flatMap { $0 > ContinuousClock.now ? min($0, deadline) : nil } ?? deadline
            if !(await bells.wait(until: wakeAt)) && ContinuousClock.now >= deadline { break }
        }
        if !bells.isStopped {
            // The block time passed without a job: check the subscriptions (the next call's round sweeps every partition).
            await bells.check()
        }
        return []
    }

    /// Ends a wait for a bell at once; later calls return nothing.
    func stop() {
        bells.stop()
    }

    /// Stops and closes the subscriber connections.
    func close() {
        bells.close()
    }

    /// New jobs of `partitions` without blocking, at most `want` in all: one read per partition,
    /// sent together (the connection to each node writes those of one event-loop turn at once, so
    /// still about one round trip per node). A partition whose read came back full rings again.
    ///
    /// Each partition's read stands alone, so a failure costs only that partition and never the
    /// entries another read delivered (a pipeline that failed as a whole after some nodes had
    /// answered would drop them: delivered, unread, pending until reclaimed). A read Redis refuses
    /// (its stream a key of another type, its group gone) is logged, a lost group made again, and
    /// the partition read again by the next sweep; a read that cannot be sent (its node down, its
    /// slot unserved, after the cluster client's retries) leaves the partition out of reads for
    /// ``quarantineTime``. Only when every partition's read failed does the call throw.
    private func read(_ candidates: [Int], consumer: String, want: Int) async throws(BrokerError) -> [DeliveredJob] {
        let now = ContinuousClock.now
        let partitions = quarantine.withLock { left in
            left = left.filter { $0.value > now }
            return candidates.filter { left[$0] == nil }
        }
        guard !partitions.isEmpty else { return [] }
        let count = max(1, want / partitions.count)
        let keys = broker.keys
        let redis = broker.redis
        // Each child returns one reference. A child returning the tuple `(Int, Result<RedisValue,
        // RedisError>)` had its partition number arrive as garbage in release builds (Swift 6.3.1:
        // heap addresses, a port number; seen as `mcp:{140364363417440}:stream` in Redis), so
        // streams were read and made under keys no partition has.
        let replies = await withTaskGroup(of: PartitionRead.self, returning: [PartitionRead].self) { group in
            for p in partitions {
                let command = RedisCommand.xreadgroup(group: keys.workerGroup, consumer: consumer, streams: [(keys.stream(p), ">")], count: count)
                group.addTask { await PartitionRead(p, command, on: redis) }
            }
            var all: [PartitionRead] = []
            for await reply in group { all.append(reply) }
            return all
        }
        var jobs: [DeliveredJob] = []
        var full: [Int] = []
        var failures: [(Int, RedisError)] = []
        for read in replies {
            let p = read.partition
            guard keys.partitioning.all.contains(p) else { continue }  // never trusted blindly: it names keys
            do throws(RedisError) {
                let delivered = try await broker.deliveredJobs(in: try read.result.get().orThrow())
                if delivered.count >= count { full.append(p) }
                jobs += delivered
            } catch {
                failures.append((p, error))
            }
        }
        bells.ring(full)
        if failures.count == partitions.count, let first = failures.first {
            bells.ring(partitions)  // all failed (Redis down?): the caller backs off, and none is forgotten
            throw BrokerError(first.1)
        }
        for (p, error) in failures {
            if error.code == .connection || error.code == .timeout {
                quarantine.withLock { $0[p] = .now + Self.quarantineTime }  // read again by the first sweep after it
            }
            broker.reportUnusablePartition(p, error)
            if error.message.hasPrefix("NOGROUP") { try? await broker.ensureWorkerGroup(in: p) }
        }
        return jobs
    }
}

/// One partition's read and its reply (or why there is none), as a child task hands it back.
private final class PartitionRead: Sendable {
    let partition: Int
    let result: Result<RedisValue, RedisError>

    /// Sends `command` and keeps its reply or its failure.
    init(_ partition: Int, _ command: RedisCommand, on redis: RedisClient) async {
        self.partition = partition
        do throws(RedisError) {
            result = .success(try await redis.send(command))
        } catch {
            result = .failure(error)
        }
    }
}
