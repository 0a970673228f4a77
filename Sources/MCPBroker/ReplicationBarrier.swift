import RedisClient
import Synchronization

/// One `WAIT` for many writes (DESIGN §10, `--durability replicated`): callers whose
/// writes Redis has already answered join the next round of their partition, and one
/// round vouches for all of them.
///
/// `WAIT` blocks the connection it is sent on, and Redis runs nothing else of that
/// connection meanwhile, so one `WAIT` per accept made concurrent accepts queue behind
/// each other's timeouts: with no replica the k-th answered after k × the timeout. A
/// round is a small write on the waiting connection (a *marker*) and `WAIT 1 <timeout>`
/// after it: the marker enters the partition's replication stream after every write
/// Redis answered before the round was sent, on any connection, so a replica that
/// acknowledges it holds them all. While a round runs, newcomers gather for the next;
/// each caller is answered within two rounds.
final class ReplicationBarrier: Sendable {
    /// The answer of a round: whether a replica acknowledged it.
    typealias Outcome = Result<Bool, RedisError>

    private struct Member {
        let marker: RedisCommand
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private struct Partition {
        var running = false
        var waiting: [Member] = []
    }

    private let redis: RedisClient
    private let timeoutMillis: Int
    private let partitions = Mutex<[Int: Partition]>([:])

    /// A barrier that sends its rounds on `redis` (a connection of their own: `WAIT` blocks
    /// it), each waiting at most `timeoutMillis` for one replica.
    init(redis: RedisClient, timeoutMillis: Int64) {
        self.redis = redis
        self.timeoutMillis = Int(clamping: max(1, timeoutMillis))
    }

    /// Returns once a replica of partition `p`'s node holds every write Redis answered
    /// before this call (`true`), or a round's `WAIT` ended without one (`false`).
    /// `marker` is a harmless write in partition `p` (it routes the round to the
    /// partition's node on a cluster); the round sends the marker of its latest member.
    func confirm(partition p: Int, marker: RedisCommand) async -> Outcome {
        await withCheckedContinuation { continuation in
            let starts = partitions.withLock { partitions -> Bool in
                var state = partitions[p] ?? Partition()
                state.waiting.append(Member(marker: marker, continuation: continuation))
                let starts = !state.running
                state.running = true
                partitions[p] = state
                return starts
            }
            if starts { Task { await self.runRounds(partition: p) } }
        }
    }

    /// Runs rounds for partition `p` until nobody waits: each takes everyone gathered so far.
    private func runRounds(partition p: Int) async {
        while true {
            let members = partitions.withLock { partitions -> [Member] in
                var state = partitions[p] ?? Partition()
                let members = state.waiting
                state.waiting = []
                if members.isEmpty { state.running = false }
                partitions[p] = members.isEmpty ? nil : state
                return members
            }
            guard let marker = members.last?.marker else { return }
            let outcome = await round(marker: marker)
            for member in members { member.continuation.resume(returning: outcome) }
        }
    }

    private func round(marker: RedisCommand) async -> Outcome {
        do {
            let replies = try await redis.pipeline([marker, RedisCommand("WAIT", ["1", String(timeoutMillis)], blockingMillis: timeoutMillis)])
            guard replies.count == 2 else {
                return .failure(RedisError(code: .unexpectedReply, message: "WAIT's pipeline returned \(replies.count) replies for 2 commands"))
            }
            _ = try replies[0].orThrow()
            return .success((try replies[1].orThrow().int64 ?? 0) >= 1)
        } catch {
            return .failure(error)
        }
    }
}
