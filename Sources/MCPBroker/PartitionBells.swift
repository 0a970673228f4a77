import Logging
import MCPTools
import RedisClient
import Synchronization

/// A worker's subscriptions to the partitions' bells on a Redis Cluster (DESIGN §10.4):
/// every function that appends to a partition's job stream also `SPUBLISH`es on that
/// partition's bell (``BrokerKeys/bell(_:)``, same slot), and this keeps one subscriber
/// connection per primary, `SSUBSCRIBE`d to the bells this worker listens to among the
/// partitions that node serves. So an idle worker waits on at most as many connections as
/// there are primaries, whatever P is, and sends nothing but its sweeps while it waits.
///
/// A bell is a hint, never the only way a job is found: a subscription that broke (a
/// dropped connection, a failover, a slot that moved away, which Redis ends with
/// `sunsubscribe`) is made again before the next wait, against a fresh slot map, and
/// then every partition counts as rung (a bell may have been missed meanwhile); a wait
/// that times out checks each subscription with `PING`, and the feed sweeps every
/// partition once per block time whatever happened.
///
/// Each bell is heard by ``listenersPerBell`` of the live workers only (the first ones
/// by rendezvous hashing of partition and worker id, so every worker that sees the same
/// `mcp:workers` chooses alike): a job then wakes two workers, not the whole pool. The
/// feed re-reads the live workers and sweeps every partition once per block time, so a
/// job whose listeners are gone or busy waits at most that long for another worker.
final class PartitionBells: Sendable {
    /// How many live workers subscribe to each partition's bell.
    static let listenersPerBell = 2
    /// Past this many live workers (or anything written into `mcp:workers` that looks like
    /// them) every worker hears every bell: the choice stays bounded work.
    static let maxMembers = 1_024

    private struct State {
        /// Partitions whose bell rang since they were last taken, oldest first, each once.
        var rung: [Int] = []
        var isRung: Set<Int> = []
        /// Bumped whenever a subscription may be gone; subscribed while it equals ``subscribed``.
        var broken = 1
        var subscribed = 0
        /// The `broken` count the last attempt to subscribe started from (a failed attempt is not retried
        /// until something else breaks or a wait times out, so a dead node costs no busy loop).
        var attempted = 0
        /// Failed attempts in a row, and when the next one is due (`nil` while none failed): a
        /// subscription that failed (a connect timeout on a loaded machine, a slot not served yet)
        /// is tried again after 100 ms, doubling to ``maxRetryDelay``, not only once per block time.
        var failures = 0
        var retryAt: ContinuousClock.Instant?
        var waiter: (token: Int, continuation: CheckedContinuation<Void, Never>)?
        var waits = 0
        var stopped = false
        /// One subscriber client per node, by the node's address.
        var subscribers: [String: RedisClient] = [:]
        /// The node each bell was last subscribed on.
        var placement: [String: String] = [:]
        /// This worker's id (its consumer name), once known.
        var me: String?
        /// The live workers the subscriptions were chosen among (sorted; `me` included).
        var members: [String] = []
        /// Bumped when the subscriber clients are replaced: pushes of older ones are ignored.
        var generation = 0
    }

    private let broker: Broker
    private let partitionOfBell: [String: Int]
    private let state = Mutex(State())
    /// A subscription that keeps failing is logged once a minute, not at every retry.
    private let subscribeWarnings = RepeatedWarning()

    init(broker: Broker) {
        self.broker = broker
        var partitionOfBell = [String: Int]()
        for p in broker.keys.partitioning.all { partitionOfBell[broker.keys.bell(p)] = p }
        self.partitionOfBell = partitionOfBell
    }

    /// The longest wait before a failed subscription is tried again.
    static let maxRetryDelay: Duration = .seconds(5)

    /// Whether a subscription broke since the last attempt to make them, or a failed attempt is due
    /// again (subscribe before waiting).
    var needsSubscribing: Bool {
        state.withLock { state in
            guard state.broken != state.subscribed else { return false }
            return state.broken != state.attempted || state.retryAt.map { $0 <= ContinuousClock.now } ?? false
        }
    }

    /// When a failed subscription is to be tried again (`nil` while none failed): waits end by then.
    var retryAt: ContinuousClock.Instant? { state.withLock { $0.retryAt } }

    /// Whether ``stop()`` was called.
    var isStopped: Bool { state.withLock { $0.stopped } }

    /// The partitions whose bells this worker subscribes to (all while nobody else is known).
    var hearing: Set<Int> {
        let (me, members) = state.withLock { ($0.me, $0.members) }
        return Self.partitions(heardBy: me ?? "", among: members, of: broker.keys.partitioning.all)
    }

    /// The partitions `worker` listens to when `members` are the live workers: those where
    /// fewer than ``listenersPerBell`` other members rank above it by rendezvous hash (every
    /// partition while there are no more members than listeners per bell, or more than ``maxMembers``).
    static func partitions(heardBy worker: String, among members: [String], of all: some Sequence<Int>) -> Set<Int> {
        guard members.count > listenersPerBell, members.count <= maxMembers else { return Set(all) }
        var heard = Set<Int>()
        for p in all {
            let mine = rank(p, worker)
            var above = 0
            for member in members where member != worker {
                let theirs = rank(p, member)
                if theirs > mine || (theirs == mine && member < worker) { above += 1 }
                if above >= listenersPerBell { break }
            }
            if above < listenersPerBell { heard.insert(p) }
        }
        return heard
    }

    /// A stable 64-bit hash of the partition and a worker id, the same in every process:
    /// FNV-1a over both, then MurmurHash3's finalizer so every input bit reaches the high bits.
    static func rank(_ p: Int, _ worker: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(String(p).utf8) + [0] + Array(worker.utf8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }

    /// Reads the live workers (`mcp:workers`, this one included) and, when they changed,
    /// has the next call subscribe anew: every worker then listens to its own share of the bells.
    func refreshMembers(me: String) async {
        guard let live = try? await broker.liveWorkers(limit: Self.maxMembers + 1) else { return }
        let members = Array(Set(live + [me])).sorted()
        let changed = state.withLock { state -> Bool in
            state.me = me
            guard state.members != members else { return false }
            state.members = members
            return true
        }
        if changed { broke(replacingSubscribers: true) }
    }

    /// Up to `limit` rung partitions, oldest first; they no longer count as rung.
    func takeRung(upTo limit: Int) -> [Int] {
        state.withLock { state in
            let taken = Array(state.rung.prefix(max(0, limit)))
            state.rung.removeFirst(taken.count)
            state.isRung.subtract(taken)
            return taken
        }
    }

    /// Counts partitions as rung (a read came back full, a read failed, a sweep is due), and wakes a waiter.
    func ring(_ partitions: some Sequence<Int>) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            for p in partitions where !state.isRung.contains(p) {
                state.rung.append(p)
                state.isRung.insert(p)
            }
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume()
    }

    /// Waits until a bell rings, a subscription breaks, ``stop()`` is called or `deadline` passes;
    /// returns false only when the deadline passed with none of these.
    func wait(until deadline: ContinuousClock.Instant) async -> Bool {
        let token = state.withLock { state -> Int in
            state.waits += 1
            return state.waits
        }
        let readyNow = state.withLock { Self.ready($0) }
        if readyNow || ContinuousClock.now >= deadline { return readyNow }  // no timer needed
        let timer = OneShotTimer(after: deadline - ContinuousClock.now) { self.wake(token) }
        defer { timer.cancel() }
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if Self.ready(state) || ContinuousClock.now >= deadline { return true }
                state.waiter = (token, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        return state.withLock { Self.ready($0) }
    }

    /// Makes every missing subscription, against the cluster's current slot map (asked for anew
    /// after a failure): the node serving each bell's slot gets a subscriber client of its own,
    /// clients of nodes that serve no bell any more are closed, and then every partition counts
    /// as rung. A failure is logged and tried again after 100 ms, doubling up to ``maxRetryDelay``
    /// (or sooner, after the next break or timed-out wait).
    func subscribe() async {
        let (attempt, clients, generation, failedBefore) = state.withLock { state -> (Int, [String: RedisClient], Int, Bool) in
            state.attempted = state.broken
            return (state.broken, state.subscribers, state.generation, state.failures > 0)
        }
        let hearing = self.hearing
        var kept = [String: RedisClient]()
        do throws(RedisError) {
            var bellsByNode = [String: (configuration: RedisConfiguration, bells: [String])]()
            let refreshing = attempt > 1 || failedBefore
            for p in broker.keys.partitioning.all where hearing.contains(p) {
                let bell = broker.keys.bell(p)
                let node = try await broker.redis.nodeConfiguration(forKey: bell, refreshing: refreshing && p == 0)
                bellsByNode[node.endpoint.description, default: (node, [])].bells.append(bell)
            }
            for (node, wanted) in bellsByNode {
                let client = clients[node] ?? makeSubscriber(wanted.configuration, generation: generation)
                kept[node] = client
                let replies = try await client.pipeline(wanted.bells.map { RedisCommand("SSUBSCRIBE", [$0]) })
                for (bell, reply) in zip(wanted.bells, replies) where reply.array?.first?.string != "ssubscribe" {
                    throw RedisError(code: .unexpectedReply, message: "SSUBSCRIBE \(bell) on \(node) answered \(reply.shape)")
                }
            }
            let (dropped, stopped) = state.withLock { state -> ([RedisClient], Bool) in
                let dropped = state.subscribers.filter { kept[$0.key] == nil }.map(\.value)
                state.subscribers = kept
                if state.broken == attempt { state.subscribed = attempt }
                state.failures = 0
                state.retryAt = nil
                subscribeWarnings.recovered("subscribe")
                state.placement = [:]
                for (node, wanted) in bellsByNode { for bell in wanted.bells { state.placement[bell] = node } }
                return (dropped, state.stopped)
            }
            for client in dropped { client.close() }
            if stopped { closeSubscribers() }
        } catch {
            // Clients made for this attempt are kept for the next one (or closed by close()).
            let (stopped, failures, delay) = state.withLock { state -> (Bool, Int, Duration) in
                for (node, client) in kept where state.subscribers[node] == nil { state.subscribers[node] = client }
                state.failures = min(state.failures + 1, 1_000_000)
                let delay = min(Self.maxRetryDelay, .milliseconds(100) * (1 << min(state.failures - 1, 10)))
                state.retryAt = ContinuousClock.now + delay
                return (state.stopped, state.failures, delay)
            }
            // Once when it starts failing, then once a minute while it goes on (or when the cause changes).
            let (level, heldBack) = subscribeWarnings.level(for: "subscribe", cause: error.message.prefix(48))
            broker.logger.log(level: level, "cannot subscribe to the partitions' bells; trying again (100 ms, doubling to 5 s); meanwhile this worker finds new jobs once per block time", metadata: [
                "error": "\(error)", "attempts": "\(failures)", "repeats": "\(heldBack)", "retry.in_ms": "\(delay.wholeMilliseconds)",
            ])
            if stopped { closeSubscribers() }
        }
        ring(broker.keys.partitioning.all)
    }

    /// After a wait timed out: `PING`s every subscriber (a subscribed connection answers
    /// `pong` in an array; anything else means the subscriptions are gone), checks that each
    /// bell's slot is still on the node it was subscribed on (as the broker's client last
    /// saw the slot map), and marks the subscriptions broken if not, so the next call makes them again.
    func check() async {
        let (clients, placement) = state.withLock { (Array($0.subscribers.values), $0.placement) }
        var healthy = !clients.isEmpty || hearing.isEmpty  // a worker may hear no bell at all: it sweeps
        for client in clients {
            let reply = try? await client.send(RedisCommand("PING", []))
            if reply?.array?.first?.string != "pong" { healthy = false }
        }
        for (bell, node) in placement where healthy {
            let owner = try? await broker.redis.nodeConfiguration(forKey: bell)
            if owner?.endpoint.description != node { healthy = false }
        }
        if !healthy { broke() }
        state.withLock { state in
            // A failed attempt is tried again once per timed-out wait.
            if state.broken != state.subscribed { state.attempted = 0 }
        }
    }

    /// Ends a wait at once; later waits return at once.
    func stop() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.stopped = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume()
    }

    /// Stops and closes every subscriber connection.
    func close() {
        stop()
        closeSubscribers()
    }

    // MARK: Pushes

    private func makeSubscriber(_ node: RedisConfiguration, generation: Int) -> RedisClient {
        var configuration = node
        configuration.onPush = { [weak self] push in self?.heard(push, generation: generation) }
        return RedisClient(configuration: configuration, logger: broker.logger)
    }

    private func heard(_ push: RedisPush, generation: Int) {
        guard state.withLock({ $0.generation == generation }) else { return }  // a client replaced on purpose
        switch push {
        case .message(let channel):
            guard let p = partitionOfBell[channel] else { return }
            ring([p])
        case .unsubscribed, .disconnected:
            broke()
        }
    }

    /// Marks the subscriptions broken (the next call makes them again); `replacingSubscribers`
    /// also closes every subscriber client (the set of bells changed: the client cannot unsubscribe
    /// single channels), without their closing counting as another break.
    private func broke(replacingSubscribers: Bool = false) {
        let (waiter, replaced) = state.withLock { state -> (CheckedContinuation<Void, Never>?, [RedisClient]) in
            state.broken += 1
            var replaced: [RedisClient] = []
            if replacingSubscribers {
                state.generation += 1
                replaced = Array(state.subscribers.values)
                state.subscribers = [:]
                state.placement = [:]
            }
            defer { state.waiter = nil }
            return (state.waiter?.continuation, replaced)
        }
        for client in replaced { client.close() }
        waiter?.resume()
    }

    private func wake(_ token: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.token == token else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    private func closeSubscribers() {
        let clients = state.withLock { state -> [RedisClient] in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for client in clients { client.close() }
    }

    private static func ready(_ state: State) -> Bool {
        state.stopped || !state.rung.isEmpty || (state.broken != state.subscribed && state.broken != state.attempted)
    }
}
