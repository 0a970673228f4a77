import RedisClient
import Synchronization

/// One `WAIT` for many writes (DESIGN §10, `--durability replicated`): callers whose
/// writes Redis has already answered join the next round of their node, and one round
/// vouches for all of them.
///
/// `WAIT` blocks the connection it is sent on, and Redis runs nothing else of that
/// connection meanwhile, so one `WAIT` per accept made concurrent accepts queue behind
/// each other's timeouts: with no replica the k-th answered after k × the timeout. A
/// round is a small write (a *marker*) in each partition its members wrote to, then
/// `WAIT 1 <timeout>`, all sent together to the node that serves those partitions on
/// a connection of their own: a marker enters that node's replication stream after
/// every write Redis answered before it, so a replica that acknowledges the round
/// holds them all. While a round runs, newcomers of the node gather for the next, so
/// each caller is answered within two rounds, however many partitions the node serves.
///
/// A round whose markers come back redirected (a slot moved since the barrier's client
/// last read the slot map) vouches for nothing there: its members look up their node
/// again and join another round, at most ``maxRegroups`` times, then count as unconfirmed.
final class ReplicationBarrier: Sendable {
    /// The answer of a round: whether a replica acknowledged it.
    typealias Outcome = Result<Bool, RedisError>

    /// How many times a caller looks up its node again after a round was redirected.
    static let maxRegroups = 3

    private struct Member {
        let partition: Int
        let markerKey: String
        let marker: RedisCommand
        /// Resumed with the round's outcome, or `nil` when the round was redirected.
        let continuation: CheckedContinuation<Outcome?, Never>
    }

    private struct Node {
        var running = false
        var waiting: [Member] = []
    }

    private let redis: RedisClient
    private let timeoutMillis: Int
    private let nodes = Mutex<[String: Node]>([:])

    /// A barrier that sends its rounds on `redis` (a connection of their own: `WAIT` blocks
    /// it), each waiting at most `timeoutMillis` for one replica.
    init(redis: RedisClient, timeoutMillis: Int64) {
        self.redis = redis
        self.timeoutMillis = Int(clamping: max(1, timeoutMillis))
    }

    /// Returns once a replica of the node serving partition `p` holds every write Redis
    /// answered before this call (`true`), or a round's `WAIT` ended without one (`false`).
    /// `marker` is a harmless write of `markerKey`, a key of partition `p`.
    func confirm(partition p: Int, markerKey: String, marker: RedisCommand) async -> Outcome {
        for attempt in 0..<Self.maxRegroups {
            let node: String
            do throws(RedisError) {
                node = try await redis.nodeConfiguration(forKey: markerKey, refreshing: attempt > 0).endpoint.description
            } catch {
                return .failure(error)
            }
            let outcome: Outcome? = await withCheckedContinuation { continuation in
                let member = Member(partition: p, markerKey: markerKey, marker: marker, continuation: continuation)
                let starts = nodes.withLock { nodes -> Bool in
                    var state = nodes[node] ?? Node()
                    state.waiting.append(member)
                    let starts = !state.running
                    state.running = true
                    nodes[node] = state
                    return starts
                }
                if starts { Task { await self.runRounds(node: node) } }
            }
            if let outcome { return outcome }
        }
        return .success(false)
    }

    /// Runs rounds for `node` until nobody waits: each takes everyone gathered so far.
    private func runRounds(node: String) async {
        while true {
            let members = nodes.withLock { nodes -> [Member] in
                var state = nodes[node] ?? Node()
                let members = state.waiting
                state.waiting = []
                if members.isEmpty { state.running = false }
                nodes[node] = members.isEmpty ? nil : state
                return members
            }
            guard !members.isEmpty else { return }
            // One marker per partition (the latest member's): each proves its partition is on this node.
            var markers: [Int: Member] = [:]
            for member in members { markers[member.partition] = member }
            let outcome = await round(Array(markers.values))
            for member in members { member.continuation.resume(returning: outcome) }
        }
    }

    /// A round's markers and its `WAIT`, sent together to the node of the first marker;
    /// `nil` when a marker was redirected (the members look up their node again).
    private func round(_ markers: [Member]) async -> Outcome? {
        guard let first = markers.first else { return .success(false) }
        let commands = markers.map(\.marker) + [RedisCommand("WAIT", ["1", String(timeoutMillis)], blockingMillis: timeoutMillis)]
        let replies: [RedisValue]
        do throws(RedisError) {
            replies = try await redis.pipeline(onNodeOf: first.markerKey, commands)
        } catch {
            return error.code == .redirected ? nil : .failure(error)
        }
        guard replies.count == commands.count, let waited = replies.last else {
            return .failure(RedisError(code: .unexpectedReply, message: "WAIT's pipeline returned \(replies.count) replies for \(commands.count) commands"))
        }
        do throws(RedisError) {
            for reply in replies.dropLast() { _ = try reply.orThrow() }
            return .success((try waited.orThrow().int64 ?? 0) >= 1)
        } catch {
            return .failure(error)
        }
    }
}
