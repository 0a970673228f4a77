import Logging

/// # Redis Cluster mode of RedisClient
///
/// `RedisClient(url: "redis+cluster://[user:password@]host:port[,host:port…]")` talks to a
/// Redis Cluster through the same API as one server (`send`, `pipeline`, `pipeline(_:then:)`,
/// `call`, `load`, `interruptBlocking`, `close`). `redis://` and `unix://` are unchanged.
///
/// - **Seeds and login.** The URL lists seed nodes; any one that answers is enough. The
///   login applies to every node; a cluster has only database 0.
/// - **Slot map.** `ClusterTopology` asks a node for `CLUSTER SHARDS`, decoded at the boundary
///   by `ClusterSlotMap` in time linear in the reply (a malformed one — more shards than slots,
///   a slot in two shards — is an `unexpected_reply` error, never a trap). At most one refresh
///   runs at a time, asking at most 8 nodes (two known ones, the seeds, then other known ones);
///   refreshes nobody waits for are at least 100 ms apart.
/// - **Routing.** `ClusterKeySlot` computes CRC16/XMODEM of the key or its hash tag (the text
///   between the first `{` and the next `}`, if not empty) modulo 16384. Key positions come
///   from a table (`RedisCommand+ClusterKeys.swift`): first argument (GET, HSET, XADD, ZADD,
///   …), all arguments (DEL, EXISTS, MGET), `numkeys` then keys (FCALL, EVALSHA), keys after
///   `STREAMS` (XREAD, XREADGROUP), the key after the subcommand (XGROUP, XINFO). A command
///   without keys (PING, INFO, FUNCTION LIST, CLUSTER …, TIME, WAIT) goes to the node of the
///   first keyed command of the same call (so `WAIT` after writes reaches their primary), or
///   else to one primary; a command the table does not know goes there too and is taken
///   to the right node by `MOVED`.
///   `SCAN`, `KEYS`, `DBSIZE` therefore see one primary only.
/// - **Cross-slot.** A command or script whose keys hash to different slots is refused before
///   anything is sent, with a `cross_slot` error; a pipeline holding one is refused whole.
/// - **Pipelines.** Commands are grouped per primary, the groups sent concurrently (one
///   round trip per node, on that node's `RedisConnection`), the replies put back in order.
///   `pipeline(_:then:)` writes both parts at once when they go to one node (the usual
///   case: one partition's hash tag), else sends `then` right after `first`.
/// - **Redirections and retries.** `MOVED` → the slot is re-pointed at once, a refresh starts,
///   the command is resent to the new owner. `ASK` → `ASKING` and the command go to the
///   target in one write; the map stays. `TRYAGAIN`, `CLUSTERDOWN`, `LOADING`, `READONLY`,
///   `NOREPLICAS`, `MASTERDOWN` → resent after a jittered, doubling backoff. A call makes at most
///   `clusterMaxAttempts` sends (default 8: at most ≈1 s of backoff), then throws a `connection`
///   error like an outage.
/// - **Dead nodes.** An I/O error on a sent command fails the call (it may have run, so it
///   is not resent) and starts a refresh through any node that answers (two known nodes,
///   the seeds, then other known nodes). A node that cannot be connected to got nothing: its commands are resent after
///   the backoff, on the refreshed map, within the same attempt budget; so once a replica is
///   promoted, calls go to it without an error. Every node connection reconnects with the
///   usual backoff.
/// - **Functions.** `load` (and `send` of `FUNCTION LOAD|DELETE|FLUSH|RESTORE`) goes to every
///   primary; `call` of a function a node lacks loads the library again and retries once.
/// - **Blocking reads.** A client used for blocking reads keeps its per-node connections to
///   itself (give a blocking reader its own client, as with one server); `interruptBlocking`
///   ends the blocking reads in flight on every node or, with none running, refuses the next
///   one once (`ClusterBlockingReads`), as on one server.
final class ClusterRouter: Sendable {
    let configuration: RedisConfiguration
    private let topology: ClusterTopology
    private let blockingReads = ClusterBlockingReads()

    init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        self.topology = ClusterTopology(configuration: configuration, logger: logger)
    }

    /// The configuration of the primary that serves `key`'s slot (this client's login, no
    /// cluster routing): for a connection that must stay on that node, like a subscriber's.
    /// `refreshing` asks the cluster for a new slot map first.
    func nodeConfiguration(forKey key: String, refreshing: Bool) async -> Result<RedisConfiguration, RedisError> {
        let map = refreshing ? await topology.freshMap() : await topology.currentMap()
        switch map {
        case .failure(let error): return .failure(error)
        case .success(let map):
            guard let owner = map.owner(ofSlot: ClusterKeySlot.slot(of: key)) else {
                return .failure(RedisError(code: .connection, message: "no Redis Cluster node serves the slot of \(key) (the cluster is down or resharding)"))
            }
            var node = configuration
            node.endpoint = configuration.endpoint.node(owner)
            return .success(node)
        }
    }

    // MARK: Calls

    /// Sends commands (routed per slot, grouped per node) and returns the replies in order.
    func execute(_ commands: [RedisCommand]) async -> Result<[RedisValue], RedisError> {
        if commands.isEmpty { return .success([]) }
        switch ClusterRoute.routes(of: commands) {
        case .failure(let error): return .failure(error)
        case .success(let routes): return await run(commands, routes: routes, firstAttempt: nil)
        }
    }

    /// Sends `first` and `second` in one write when they go to one node; `first`'s replies
    /// return as soon as they are read, `second`'s (a blocking read) fulfil `later`.
    func execute(_ first: [RedisCommand], then second: [RedisCommand], later: RedisPendingReplies) async -> Result<[RedisValue], RedisError> {
        let firstRoutes: [ClusterRoute]
        let secondRoutes: [ClusterRoute]
        switch (ClusterRoute.routes(of: first), ClusterRoute.routes(of: second)) {
        case (.success(let a), .success(let b)):
            firstRoutes = a
            secondRoutes = b
        case (.failure(let error), _), (_, .failure(let error)):
            later.fulfil(.failure(error))
            return .failure(error)
        }
        let map: ClusterSlotMap
        switch await topology.currentMap() {
        case .success(let current): map = current
        case .failure(let error):
            later.fulfil(.failure(error))
            return .failure(error)
        }
        let preferred = Self.preferredNode(firstRoutes + secondRoutes, in: map)
        let targets = Set((firstRoutes + secondRoutes).compactMap { Self.target($0, in: map, preferring: preferred) })
        let node = targets.first ?? map.primaries.first
        guard targets.count <= 1, let node, let connection = topology.connection(to: node) else {
            // Different nodes (or no node): `first` now, `second` right after it, each routed on its own.
            let now = await run(first, routes: firstRoutes, firstAttempt: nil)
            Task { later.fulfil(await self.run(second, routes: secondRoutes, firstAttempt: nil)) }
            return now
        }
        let blocking = second.contains { $0.blockingMillis > 0 }
        if blocking && !blockingReads.begin(node) {
            later.fulfil(.failure(ClusterBlockingReads.cancelled))
            return .failure(ClusterBlockingReads.cancelled)
        }
        let now: Result<[RedisValue], RedisError> = await withCheckedContinuation { continuation in
            let resumeFirst: @Sendable (Result<[RedisValue], RedisError>) -> Void = { continuation.resume(returning: $0) }
            let fulfilLater: @Sendable (Result<[RedisValue], RedisError>) -> Void = { result in
                if blocking { self.blockingReads.end(node) }
                Task { later.fulfil(await self.run(second, routes: secondRoutes, firstAttempt: result)) }
            }
            connection.enqueue([(first, resumeFirst), (second, fulfilLater)])
        }
        return await run(first, routes: firstRoutes, firstAttempt: now)
    }

    /// Sends every command to the primary that serves `key`'s slot in the current map, in one
    /// write, and follows no redirection: a reply that says the slot lives elsewhere (or is
    /// moving, or down) fails the call with ``RedisError/Code/redirected`` and asks for a new
    /// map, so the caller can regroup and try again. For commands whose answer is about that
    /// node's connection (WAIT after writes), which a redirection of the writes alone would make wrong.
    func executeOnNode(of key: String, _ commands: [RedisCommand]) async -> Result<[RedisValue], RedisError> {
        if case .failure(let error) = ClusterRoute.routes(of: commands) { return .failure(error) }
        let map: ClusterSlotMap
        switch await topology.currentMap() {
        case .success(let current): map = current
        case .failure(let error): return .failure(error)
        }
        guard let owner = map.owner(ofSlot: ClusterKeySlot.slot(of: key)) else {
            topology.requestRefresh()
            return .failure(RedisError(code: .connection, message: "no Redis Cluster node serves the slot of \(key) (the cluster is down or resharding)"))
        }
        let result = await send(commands, to: owner)
        if case .failure = result { topology.requestRefresh() }
        if case .success(let replies) = result, let moved = replies.first(where: { ClusterReplyKind($0) != .final }) {
            topology.requestRefresh()
            return .failure(RedisError(
                code: .redirected,
                message: "a command sent to \(owner) for the slot of \(key) was redirected (\((moved.errorMessage ?? "").prefix(120))): the slot map changed; try again"))
        }
        return result
    }

    /// Sends one command to every primary (FUNCTION LOAD) and returns each primary's reply.
    func executeOnEveryPrimary(_ command: RedisCommand) async -> Result<[RedisValue], RedisError> {
        let map: ClusterSlotMap
        switch await topology.currentMap() {
        case .success(let current): map = current
        case .failure(let error): return .failure(error)
        }
        let results = await withTaskGroup(of: Result<[RedisValue], RedisError>.self) { group in
            for primary in map.primaries {
                group.addTask { await self.send([command], to: primary) }
            }
            var all = [Result<[RedisValue], RedisError>]()
            for await result in group { all.append(result) }
            return all
        }
        var replies = [RedisValue]()
        for result in results {
            switch result {
            case .success(let values): replies += values
            case .failure(let error):
                topology.requestRefresh()
                return .failure(error)
            }
        }
        return .success(replies)
    }

    /// Ends the blocking commands in flight on every node; with none running, refuses the next one once.
    func interruptBlocking() {
        let connections = topology.connections
        var interrupted = false
        for connection in connections.values where connection.interruptBlockingIfRunning() { interrupted = true }
        if interrupted { return }
        // None reading yet: mark the connections a read is on its way to (it is refused when its round trip
        // starts), or, with none on its way, refuse the next blocking read once.
        for address in blockingReads.interruptOrRemember() { connections[address]?.interruptBlocking() }
    }

    /// Closes every connection; later calls fail with `closed`.
    func close() {
        topology.close()
    }

    // MARK: Routing loop

    /// The commands still to answer, where each goes next, and the replies so far.
    private func run(_ commands: [RedisCommand], routes initial: [ClusterRoute], firstAttempt: Result<[RedisValue], RedisError>?) async -> Result<[RedisValue], RedisError> {
        if commands.isEmpty, firstAttempt == nil { return .success([]) }
        var replies = [RedisValue?](repeating: nil, count: commands.count)
        var routes = initial
        var open = Array(commands.indices)
        var lastAnswer = ""
        var lastFailure: RedisError?
        let attempts = max(1, configuration.clusterMaxAttempts)
        for attempt in 0..<attempts {
            if attempt > 0 && open.isEmpty { break }
            let sent: [(indices: [Int], result: Result<[RedisValue], RedisError>)]
            if attempt == 0, let firstAttempt {
                sent = [(open, firstAttempt)]
            } else {
                switch await topology.currentMap() {
                case .failure(let error): return .failure(error)
                case .success(let map): sent = await sendGroups(commands, open: open, routes: routes, map: map)
                }
            }
            var backoff = false
            var stillOpen = [Int]()
            for (indices, result) in sent {
                let values: [RedisValue]
                switch result {
                case .success(let got): values = got
                case .failure(let error):
                    topology.requestRefresh()
                    // A node that cannot be reached got nothing: resend after a backoff, on the refreshed
                    // map (a promoted replica). Anything else may have run: the call fails.
                    guard error.notSent, error.code == .connection || error.code == .timeout else { return .failure(error) }
                    for index in indices {
                        routes[index] = initial[index]
                        stillOpen.append(index)
                    }
                    backoff = true
                    lastAnswer = error.message
                    lastFailure = error
                    continue
                }
                guard values.count == indices.count else {
                    return .failure(RedisError(code: .protocol, message: "a cluster node answered \(values.count) replies to \(indices.count) commands"))
                }
                for (index, value) in zip(indices, values) {
                    switch ClusterReplyKind(value) {
                    case .final:
                        replies[index] = value
                    case .moved(let slot, let address):
                        topology.assign(slot: slot, to: address)
                        topology.requestRefresh()
                        routes[index] = .node(address, asking: false)
                        stillOpen.append(index)
                        lastAnswer = value.errorMessage ?? ""
                    case .ask(let address):
                        routes[index] = .node(address, asking: true)
                        stillOpen.append(index)
                        lastAnswer = value.errorMessage ?? ""
                    case .retry(let refreshMap):
                        if refreshMap { topology.requestRefresh() }
                        routes[index] = initial[index]
                        backoff = true
                        stillOpen.append(index)
                        lastAnswer = value.errorMessage ?? ""
                    }
                }
            }
            open = stillOpen.sorted()
            if open.isEmpty { break }
            if backoff && attempt + 1 < attempts {
                try? await Task.sleep(for: backoffDelay(attempt: attempt))
            }
        }
        guard open.isEmpty else {
            if let lastFailure, lastAnswer == lastFailure.message { return .failure(lastFailure) }
            let names = Set(open.compactMap { commands.indices.contains($0) ? commands[$0].name : nil }).sorted().joined(separator: ", ")
            return .failure(RedisError(
                code: .connection,
                message: "Redis Cluster did not run \(names) after \(attempts) attempts; its last answer was \"\(lastAnswer.prefix(200))\" (slots moving or a failover in progress: retry later)"))
        }
        return .success(replies.map { $0 ?? .null })
    }

    /// Sends the open commands grouped per node, concurrently; `ASKING` precedes each asked command.
    private func sendGroups(_ commands: [RedisCommand], open: [Int], routes: [ClusterRoute], map: ClusterSlotMap) async -> [(indices: [Int], result: Result<[RedisValue], RedisError>)] {
        let preferred = Self.preferredNode(open.compactMap { routes.indices.contains($0) ? routes[$0] : nil }, in: map)
        var groups = [(address: ClusterNodeAddress, indices: [Int])]()
        var unserved = [Int]()
        for index in open {
            guard let address = Self.target(routes[index], in: map, preferring: preferred) else {
                unserved.append(index)
                continue
            }
            if let group = groups.firstIndex(where: { $0.address == address }) {
                groups[group].indices.append(index)
            } else {
                groups.append((address, [index]))
            }
        }
        var results = [(indices: [Int], result: Result<[RedisValue], RedisError>)]()
        if !unserved.isEmpty {
            // No primary serves the slot in this map: answer as a cluster that is down, so the loop refreshes and retries.
            topology.requestRefresh()
            results.append((unserved, .success(unserved.map { _ in .error("CLUSTERDOWN Hash slot not served (client map)") })))
        }
        if groups.count == 1, let only = groups.first {
            // One node (the usual call): no child task.
            let asked = only.indices.map { routes[$0] == .node(only.address, asking: true) }
            var wire = [RedisCommand]()
            for (index, asking) in zip(only.indices, asked) {
                if asking { wire.append(RedisCommand("ASKING", [])) }
                wire.append(commands[index])
            }
            results.append((only.indices, await send(wire, to: only.address).map { Self.dropAskingReplies($0, asked: asked) }))
            return results
        }
        await withTaskGroup(of: (Int, Result<[RedisValue], RedisError>).self) { group in
            for (position, (address, indices)) in groups.enumerated() {
                var wire = [RedisCommand]()
                var asked = [Bool]()
                for index in indices {
                    let asking = routes[index] == .node(address, asking: true)
                    if asking { wire.append(RedisCommand("ASKING", [])) }
                    wire.append(commands[index])
                    asked.append(asking)
                }
                let wireCommands = wire
                let askedFlags = asked
                group.addTask {
                    let result = await self.send(wireCommands, to: address)
                    return (position, result.map { Self.dropAskingReplies($0, asked: askedFlags) })
                }
            }
            for await (position, result) in group where groups.indices.contains(position) {
                results.append((groups[position].indices, result))
            }
        }
        return results
    }

    /// The replies of the commands themselves, without those of the `ASKING` before some.
    private static func dropAskingReplies(_ values: [RedisValue], asked: [Bool]) -> [RedisValue] {
        var kept = [RedisValue]()
        var position = 0
        for asking in asked {
            if asking { position += 1 }
            guard position < values.count else { break }
            kept.append(values[position])
            position += 1
        }
        return kept
    }

    /// The owner of the first slot among `routes`: where commands without keys go, so a call stays on few nodes.
    private static func preferredNode(_ routes: [ClusterRoute], in map: ClusterSlotMap) -> ClusterNodeAddress? {
        for route in routes {
            if case .slot(let slot) = route, let owner = map.owner(ofSlot: slot) { return owner }
        }
        return nil
    }

    /// The node a route goes to in `map`; commands without keys go to `preferred` or the first primary.
    private static func target(_ route: ClusterRoute, in map: ClusterSlotMap, preferring preferred: ClusterNodeAddress?) -> ClusterNodeAddress? {
        switch route {
        case .slot(let slot): return map.owner(ofSlot: slot)
        case .any: return preferred ?? map.primaries.first
        case .node(let address, _): return address
        }
    }

    private func send(_ commands: [RedisCommand], to address: ClusterNodeAddress) async -> Result<[RedisValue], RedisError> {
        guard let connection = topology.connection(to: address) else {
            return .failure(RedisError(code: .closed, message: "the Redis client was closed"))
        }
        let result: Result<[RedisValue], RedisError>
        if commands.contains(where: { $0.blockingMillis > 0 }) {
            guard blockingReads.begin(address) else { return .failure(ClusterBlockingReads.cancelled) }
            result = await connection.execute(commands)
            blockingReads.end(address)
        } else {
            result = await connection.execute(commands)
        }
        if case .failure(let error) = result, error.code == .timeout || error.code == .connection { topology.suspect(address) }
        return result
    }

    /// Full jitter: a random wait up to the doubled backoff, at least 1 ms.
    private func backoffDelay(attempt: Int) -> Duration {
        let initial = max(1, configuration.clusterRetryInitialBackoff.milliseconds)
        let cap = max(initial, configuration.clusterRetryMaxBackoff.milliseconds)
        let doubled = initial << min(attempt, 20)
        let ceiling = min(cap, max(initial, doubled))
        return .milliseconds(Int.random(in: max(1, ceiling / 2)...ceiling))
    }
}
