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
            guard ContinuousClock.now < deadline, await bells.wait(until: deadline) else { break }
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

    /// New jobs of `partitions` without blocking, at most `want` in all, in one pipeline (one
    /// round trip per node). A partition whose read came back full rings again; after a failure
    /// of the whole read every partition of it rings again, so none is forgotten.
    ///
    /// A partition whose read Redis refuses (its stream a key of another type, its group gone)
    /// costs only itself: the jobs read from the others are returned (delivered entries are this
    /// worker's, never dropped), a missing group is made again, and the partition is read again
    /// by the next sweep, not at once. Only when every partition of the read failed does it throw.
    private func read(_ partitions: [Int], consumer: String, want: Int) async throws(BrokerError) -> [DeliveredJob] {
        let count = max(1, want / partitions.count)
        let keys = broker.keys
        let replies: [RedisValue]
        do throws(BrokerError) {
            replies = try await BrokerError.mapping { () async throws(RedisError) in
                try await broker.redis.pipeline(partitions.map { p in
                    RedisCommand.xreadgroup(group: keys.workerGroup, consumer: consumer, streams: [(keys.stream(p), ">")], count: count)
                })
            }
        } catch {
            bells.ring(partitions)
            throw error
        }
        var jobs: [DeliveredJob] = []
        var full: [Int] = []
        var firstFailure: BrokerError?
        for (p, reply) in zip(partitions, replies) {
            do throws(RedisError) {
                let delivered = try await broker.deliveredJobs(in: try reply.orThrow())
                if delivered.count >= count { full.append(p) }
                jobs += delivered
            } catch {
                firstFailure = firstFailure ?? BrokerError(error)
                broker.reportUnusablePartition(p, error)
                if error.message.hasPrefix("NOGROUP") { try? await broker.ensureWorkerGroup(in: p) }
            }
        }
        bells.ring(full)
        if jobs.isEmpty, let firstFailure, replies.allSatisfy({ $0.errorMessage != nil }) {
            throw firstFailure
        }
        return jobs
    }
}
