import RedisClient
import Synchronization

extension RedisTestCluster {
    /// One field of `INFO section` on the node at `port` (`blocked_clients`, `errorstat_MOVED`), `nil` when absent.
    public func info(_ field: String, section: String, on port: Int) async throws -> String? {
        Self.fields(try await node(port).send("INFO", section).string ?? "")[field]
    }

    /// How many error replies starting with `prefix` (`MOVED`, `ASK`, `TRYAGAIN`) the node at `port` has sent.
    public func errorCount(_ prefix: String, on port: Int) async throws -> Int {
        guard let value = try await info("errorstat_\(prefix)", section: "errorstats", on: port) else { return 0 }
        return value.split(separator: "=").last.flatMap { Int($0) } ?? 0
    }

    /// A key whose slot the primary on `port` serves: the first of `prefix-0`, `prefix-1`, … that hashes there.
    public func keyServed(by port: Int, prefix: String) async throws -> String {
        guard let owner = try await nodes().first(where: { $0.port == port && $0.isPrimary }) else {
            throw RedisTestServerError("node \(port) is not a primary")
        }
        for index in 0..<100_000 {
            let candidate = "\(prefix)-\(index)"
            if owner.serves(ClusterKeySlot.slot(of: candidate)) { return candidate }
        }
        throw RedisTestServerError("no key of prefix \(prefix) hashes to a slot of \(port)")
    }

    /// SIGKILLs the node on `port` and returns once it is gone, without waiting for the cluster to react.
    public func kill(_ port: Int) async throws {
        guard let server = servers.first(where: { $0.port == port }) else { throw RedisTestServerError("node \(port) is not part of this cluster") }
        await server.process.killAndWait(timeout: .seconds(10))
    }

    /// SIGKILLs the primary on `port` and waits (bounded) until a replica serves its slots and every
    /// other node reports `cluster_state:ok`; returns the port of the promoted replica.
    @discardableResult
    public func killPrimary(_ port: Int, timeout: Duration = .seconds(30)) async throws -> Int {
        guard let victim = try await nodes().first(where: { $0.port == port && $0.isPrimary }), let slot = victim.slotRanges.first?.lowerBound else {
            throw RedisTestServerError("node \(port) is not a primary that serves slots")
        }
        guard let server = servers.first(where: { $0.port == port }) else { throw RedisTestServerError("node \(port) is not part of this cluster") }
        await server.process.killAndWait(timeout: .seconds(10))
        var promoted: Int?
        let recovered = await eventually(timeout: timeout) {
            guard let owner = try? await self.port(owningSlot: slot), owner != port else { return false }
            promoted = owner
            return true
        }
        guard recovered, let promoted else { throw RedisTestServerError("no replica took over slot \(slot) of \(port) within \(timeout)") }
        try await waitUntilReady(timeout: timeout)
        return promoted
    }

    /// Starts moving `slot` from its owner to the primary on `target`: the target `IMPORTING`, the source
    /// `MIGRATING`, no key moved yet. Keys absent from the source are then answered with `ASK`.
    /// Returns the source's port.
    @discardableResult
    public func beginMigration(slot: Int, to target: Int) async throws -> Int {
        let source = try await port(owningSlot: slot)
        guard source != target else { throw RedisTestServerError("slot \(slot) is already on \(target)") }
        let sourceID = try await nodeID(source)
        let targetID = try await nodeID(target)
        try await node(target).send("CLUSTER", "SETSLOT", String(slot), "IMPORTING", sourceID)
        try await node(source).send("CLUSTER", "SETSLOT", String(slot), "MIGRATING", targetID)
        migrations.withLock { $0[slot] = (source, target) }
        return source
    }

    /// Moves these keys (all in the slot being migrated) from the source to the target with `MIGRATE … KEYS`.
    public func moveKeys(_ keys: [String], inSlot slot: Int) async throws {
        guard let migration = migrations.withLock({ $0[slot] }) else { throw RedisTestServerError("slot \(slot) is not being migrated") }
        let (source, target) = (migration.source, migration.target)
        guard !keys.isEmpty else { return }
        let reply = try await node(source).send(RedisCommand("MIGRATE", ["127.0.0.1", String(target), "", "0", "5000", "KEYS"] + keys))
        guard reply.string == "OK" || reply.string == "NOKEY" else { throw RedisTestServerError("MIGRATE answered \(reply.shape)") }
    }

    /// Moves the slot's remaining keys and assigns the slot to the target on every node; waits (bounded)
    /// until every running node agrees.
    public func finishMigration(slot: Int, timeout: Duration = .seconds(30)) async throws {
        guard let migration = migrations.withLock({ $0[slot] }) else { throw RedisTestServerError("slot \(slot) is not being migrated") }
        let (source, target) = (migration.source, migration.target)
        for _ in 0..<10_000 {
            let keys = try await node(source).send("CLUSTER", "GETKEYSINSLOT", String(slot), "100").array?.compactMap(\.string) ?? []
            if keys.isEmpty { break }
            try await moveKeys(keys, inSlot: slot)
        }
        let targetID = try await nodeID(target)
        let others = try await primaryPorts().filter { $0 != source && $0 != target }
        for port in [target, source] + others {
            try await node(port).send("CLUSTER", "SETSLOT", String(slot), "NODE", targetID)
        }
        migrations.withLock { $0[slot] = nil }
        let agreed = await eventually(timeout: timeout) {
            for server in self.servers where server.process.isRunning {
                guard let text = try? await self.node(server.port).send("CLUSTER", "NODES").string,
                    let owner = ClusterNodeState.parse(text).first(where: { $0.isPrimary && $0.serves(slot) }), owner.port == target
                else { return false }
            }
            return true
        }
        guard agreed else { throw RedisTestServerError("the nodes did not agree that \(target) owns slot \(slot) within \(timeout)") }
    }

    /// Moves `slot` with its keys to the primary on `target` (``beginMigration(slot:to:)`` then ``finishMigration(slot:timeout:)``).
    public func migrateSlot(_ slot: Int, to target: Int) async throws {
        try await beginMigration(slot: slot, to: target)
        try await finishMigration(slot: slot)
    }
}
