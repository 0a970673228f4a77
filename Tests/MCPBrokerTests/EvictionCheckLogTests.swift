import Logging
import MCPBroker
import RedisClient
import Synchronization
import Testing

/// The start-up eviction check says something whenever the policy stays unchecked: a Redis
/// that cannot be asked is named in a warning (it used to pass in silence).
@Suite("The start-up eviction check")
struct EvictionCheckLogTests {
    /// Every line logged through a ``CapturingLogHandler``: its level and text with metadata.
    final class LoggedLines: Sendable {
        let lines = Mutex<[(level: Logger.Level, text: String)]>([])
    }

    /// Keeps every message logged through it.
    struct CapturingLogHandler: LogHandler {
        let logged: LoggedLines
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            logged.lines.withLock { $0.append((event.level, "\(event.message) \(event.metadata ?? [:])")) }
        }
    }

    @Test func aRedisThatCannotBeAskedIsNamedInAWarning() async throws {
        let logged = LoggedLines()
        let logger = Logger(label: "test.eviction") { _ in CapturingLogHandler(logged: logged) }
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:1")
        configuration.connectTimeout = .milliseconds(200)
        configuration.commandTimeout = .milliseconds(500)
        await Broker.checkEviction(connection: BrokerConnection(redis: configuration), configuration: BrokerConfiguration(), logger: logger)
        let lines = logged.lines.withLock { $0 }
        #expect(lines.contains { $0.level == .warning && $0.text.contains("eviction policy could not be read") && $0.text.contains("127.0.0.1:1") }, "\(lines)")
    }
}
