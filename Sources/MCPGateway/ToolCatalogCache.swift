import Logging
import MCPBroker
import MCPTools
import ServiceLifecycle
import Synchronization

/// The gateway's copy of the tool catalog workers publish in Redis, refreshed
/// in the background so verifying a request costs no catalog round trip.
/// A miss costs one HGET of that tool alone, so a tool published a moment ago
/// is found at once and an unknown name costs O(1) in Redis.
public final class ToolCatalogCache: Service, Sendable {
    private struct State {
        var tools: [String: ToolDescriptor] = [:]
        /// Refreshes failed in a row (a poisoned catalog is warned of at once, then every 30th time).
        var failures = 0
    }

    private let broker: Broker
    private let interval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    /// Creates a cache over the broker's catalog.
    public init(broker: Broker, interval: Duration, logger: Logger) {
        self.broker = broker
        self.interval = interval
        self.logger = logger
    }

    /// Every known worker tool, by name.
    public var descriptors: [ToolDescriptor] {
        state.withLock { Array($0.tools.values) }.sorted { $0.name < $1.name }
    }

    /// The descriptor of a tool; a miss reads that one tool from Redis (and
    /// throws if Redis is unreachable, so the caller can answer `unavailable`).
    public func descriptor(named name: String) async throws(BrokerError) -> ToolDescriptor? {
        if let found = state.withLock({ $0.tools[name] }) { return found }
        guard let fetched = try await broker.descriptor(named: name) else { return nil }
        state.withLock { $0.tools[name] = fetched }
        return fetched
    }

    /// Re-reads the catalog now; keeps the old copy if Redis is unreachable.
    public func refresh() async {
        do {
            let tools = try await broker.catalog()
            state.withLock { state in
                state.tools = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
                state.failures = 0
            }
        } catch {
            let failures = state.withLock { state in
                state.failures += 1
                return state.failures
            }
            // Unreachable Redis is logged by its client; a catalog Redis will not read needs an operator.
            let level: Logger.Level = error.isPoisonValue && (failures == 1 || failures % 30 == 0) ? .warning : .debug
            logger.log(level: level, "catalog refresh failed; worker tools cannot be verified until it is repaired", metadata: [
                "error": "\(error)", "catalog.failures": "\(failures)",
            ])
        }
    }

    /// Refreshes every `interval` until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.refresh()
                await Alarm.sleep(for: self.interval)
            }
        }
    }
}
