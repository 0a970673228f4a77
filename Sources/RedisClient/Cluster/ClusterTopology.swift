import Logging
import Synchronization

/// The nodes of a Redis Cluster as one client sees them: the slot map (discovered with
/// `CLUSTER SHARDS` through any node that answers: two known nodes, the seeds, then other
/// known nodes, at most ``discoveryAttempts``; at most one refresh at a time) and one ``RedisConnection`` per node, opened on first use.
final class ClusterTopology: Sendable {
    private struct State {
        var map: ClusterSlotMap?
        var connections: [ClusterNodeAddress: RedisConnection] = [:]
        var refresh: Task<Result<ClusterSlotMap, RedisError>, Never>?
        var lastRefresh: ContinuousClock.Instant?
        var closed = false
        /// Nodes that lately failed to answer (a timeout, a lost connection), and until when a
        /// refresh asks them last: a stopped primary must not hold up the map that leads past it.
        var suspects: [ClusterNodeAddress: ContinuousClock.Instant] = [:]
    }

    /// How long a node that failed to answer is asked last for the slot map.
    static let suspicionTime = Duration.seconds(30)

    /// The shortest time between two refreshes that no caller waits for.
    private static let refreshInterval = Duration.milliseconds(100)

    let configuration: RedisConfiguration
    private let logger: Logger
    private let state = Mutex(State())

    init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Every open connection, by node.
    var connections: [ClusterNodeAddress: RedisConnection] { state.withLock { $0.connections } }

    /// Records that `address` failed to answer: refreshes ask it last for a while (``suspicionTime``).
    func suspect(_ address: ClusterNodeAddress) {
        state.withLock { state in
            if state.suspects.count >= 1_024 { state.suspects.removeAll() }
            state.suspects[address] = .now + Self.suspicionTime
        }
    }

    /// Records a `MOVED` answer in the current map.
    func assign(slot: Int, to address: ClusterNodeAddress) {
        state.withLock { $0.map?.assign(slot: slot, to: address) }
    }

    /// Closes every connection; later calls fail with `closed`.
    func close() {
        let connections = state.withLock { state -> [RedisConnection] in
            state.closed = true
            state.refresh?.cancel()
            return Array(state.connections.values)
        }
        for connection in connections { connection.close() }
    }

    /// The connection to a node, opened on first use; `nil` once closed.
    func connection(to address: ClusterNodeAddress?) -> RedisConnection? {
        guard let address else { return nil }
        return state.withLock { state -> RedisConnection? in
            if state.closed { return nil }
            if let known = state.connections[address] { return known }
            var node = configuration
            node.endpoint = configuration.endpoint.node(address)
            let fresh = RedisConnection(configuration: node, logger: logger)
            state.connections[address] = fresh
            return fresh
        }
    }

    /// The current map, discovering it first when there is none.
    func currentMap() async -> Result<ClusterSlotMap, RedisError> {
        if let map = state.withLock({ $0.map }) { return .success(map) }
        return await refreshedMap(force: true)
    }

    /// A map asked for now (joining a refresh in flight), for a caller that saw the old one fail.
    func freshMap() async -> Result<ClusterSlotMap, RedisError> {
        await refreshedMap(force: true)
    }

    /// Starts a refresh unless one runs or one finished within ``refreshInterval``.
    func requestRefresh() {
        let wanted = state.withLock { state -> Bool in
            guard !state.closed, state.refresh == nil else { return false }
            if let last = state.lastRefresh, ContinuousClock.now - last < Self.refreshInterval { return false }
            return true
        }
        if wanted { Task { _ = await self.refreshedMap(force: false) } }
    }

    /// Joins the refresh in flight or starts one (at most one runs at a time).
    private func refreshedMap(force: Bool) async -> Result<ClusterSlotMap, RedisError> {
        let task = state.withLock { state -> Task<Result<ClusterSlotMap, RedisError>, Never>? in
            if state.closed { return nil }
            if let running = state.refresh { return running }
            if !force, let last = state.lastRefresh, ContinuousClock.now - last < Self.refreshInterval { return nil }
            let fresh = Task { await self.discover() }
            state.refresh = fresh
            return fresh
        }
        guard let task else {
            if let map = state.withLock({ $0.map }) { return .success(map) }
            return .failure(RedisError(code: .closed, message: "the Redis client was closed"))
        }
        let result = await task.value
        var pruned = [RedisConnection]()
        state.withLock { state in
            if state.refresh == task {
                state.refresh = nil
                state.lastRefresh = .now
                if case .success(let map) = result {
                    state.map = map
                    pruned = Self.prune(&state.connections, keeping: map.primaries + map.nodes + configuration.endpoint.clusterSeeds)
                }
            }
        }
        for connection in pruned { connection.close() }
        return result
    }

    /// Past this many connections beyond the cluster's nodes and seeds, connections to nodes the map no
    /// longer lists are closed (redirections to many addresses must not pile up threads).
    private static let spareConnections = 16

    /// Removes and returns the connections to nodes outside `keeping`, once there are too many.
    private static func prune(_ connections: inout [ClusterNodeAddress: RedisConnection], keeping: [ClusterNodeAddress]) -> [RedisConnection] {
        let kept = Set(keeping)
        guard connections.count > kept.count + spareConnections else { return [] }
        var removed = [RedisConnection]()
        for (address, connection) in connections where !kept.contains(address) {
            connections[address] = nil
            removed.append(connection)
        }
        return removed
    }

    /// The most nodes one refresh asks: each that does not answer may cost a command timeout, and a
    /// map full of nodes that are gone must not keep the seeds from being asked (the next refresh asks
    /// others: those that failed are suspects by then).
    static let discoveryAttempts = 8

    /// Whom a refresh asks, in order: two known nodes, the seeds, the other known nodes, then the
    /// nodes that lately failed to answer (the latest failure last of all: each would cost a command
    /// timeout before the map that leads past it); at most ``discoveryAttempts``, each once.
    static func discoveryOrder(
        known: [ClusterNodeAddress], seeds: [ClusterNodeAddress], suspects: [ClusterNodeAddress: ContinuousClock.Instant]
    ) -> [ClusterNodeAddress] {
        var seen = Set<ClusterNodeAddress>()
        var order = [ClusterNodeAddress]()
        func add(_ address: ClusterNodeAddress) {
            guard order.count < discoveryAttempts, suspects[address] == nil, seen.insert(address).inserted else { return }
            order.append(address)
        }
        for address in known where order.count < 2 { add(address) }
        for address in seeds { add(address) }
        for address in known where order.count < discoveryAttempts { add(address) }
        let suspected = (known + seeds).compactMap { address in suspects[address].map { (address, $0) } }.sorted { $0.1 < $1.1 }
        for (address, _) in suspected where order.count < discoveryAttempts && seen.insert(address).inserted { order.append(address) }
        return order
    }

    /// Asks known nodes and the seeds (``discoveryOrder(known:seeds:suspects:)``) for `CLUSTER SHARDS` until one answers with a map.
    private func discover() async -> Result<ClusterSlotMap, RedisError> {
        let (known, suspects) = state.withLock { state -> ([ClusterNodeAddress], [ClusterNodeAddress: ContinuousClock.Instant]) in
            let now = ContinuousClock.now
            state.suspects = state.suspects.filter { $0.value > now }
            return (state.map.map { $0.primaries + $0.nodes } ?? [], state.suspects)
        }
        let candidates = Self.discoveryOrder(known: known, seeds: configuration.endpoint.clusterSeeds, suspects: suspects)
        var failures = [String]()
        var partial: ClusterSlotMap?
        for address in candidates {
            if Task.isCancelled { break }
            guard let connection = connection(to: address) else { return .failure(RedisError(code: .closed, message: "the Redis client was closed")) }
            let result = await connection.execute([RedisCommand("CLUSTER", ["SHARDS"])])
            switch result {
            case .failure(let error):
                failures.append("\(address): \(error.message)")
                if error.code == .timeout || error.code == .connection { suspect(address) }
                if error.code == .closed { return .failure(error) }
                if error.code == .authentication { return .failure(error) }
            case .success(let replies):
                _ = state.withLock { $0.suspects.removeValue(forKey: address) }  // it answers again
                guard let reply = replies.first else { continue }
                if let message = reply.errorMessage {
                    failures.append("\(address): \(message)")
                    continue
                }
                do {
                    let map = try ClusterSlotMap.decode(shards: reply, answeredBy: address)
                    if map.coveredSlots == ClusterKeySlot.count {
                        logger.debug("redis cluster map", metadata: ["redis.node": "\(address)", "redis.primaries": "\(map.primaries.count)"])
                        return .success(map)
                    }
                    if map.coveredSlots > (partial?.coveredSlots ?? 0) { partial = map }
                    failures.append("\(address): \(map.coveredSlots) of 16384 slots served")
                } catch {
                    failures.append("\(address): \(error.message)")
                }
            }
        }
        if let partial { return .success(partial) }
        return .failure(RedisError(
            code: .connection,
            message: "no Redis Cluster node gave a slot map (\(failures.prefix(6).joined(separator: "; ")))"))
    }
}
