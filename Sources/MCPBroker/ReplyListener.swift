import Logging
import MCPWire
import RedisClient
import ServiceLifecycle
import Synchronization

/// The one reader per gateway on `mcp:replies:<gateway_id>`: wakes every
/// request waiting on a sync job, however many there are, over a single
/// Redis connection (never one connection per waiting request).
///
/// Register before publishing (so a fast reply cannot be missed), then wait
/// with a budget; past the budget the waiter gets `nil` and answers `accepted`.
public final class ReplyListener: Service, Sendable {
    private enum Slot {
        case registered
        case waiting(CheckedContinuation<JobReply?, Never>, deadline: ContinuousClock.Instant)
        case arrived(JobReply)
    }

    /// This gateway's id, the suffix of its reply stream.
    public let gatewayID: String
    private let broker: Broker
    private let reader: RedisClient
    private let logger: Logger
    private let slots = Mutex<[String: Slot]>([:])

    /// Creates a listener; `reader` must be a client of its own (it blocks).
    public init(gatewayID: String, broker: Broker, reader: RedisClient, logger: Logger) {
        self.gatewayID = gatewayID
        self.broker = broker
        self.reader = reader
        self.logger = logger
    }

    /// Starts listening for a job's reply. Call before publishing the job.
    public func register(jobID: String) {
        slots.withLock { $0[jobID] = .registered }
    }

    /// Forgets a registration (the job was not published after all).
    public func unregister(jobID: String) {
        let slot = slots.withLock { $0.removeValue(forKey: jobID) }
        if case .waiting(let continuation, _) = slot { continuation.resume(returning: nil) }
    }

    /// Waits up to `budget` for the reply of a registered job.
    public func wait(jobID: String, budget: Duration) async -> JobReply? {
        let deadline = ContinuousClock.now + budget
        return await withCheckedContinuation { continuation in
            let early: JobReply?? = slots.withLock { slots in
                switch slots[jobID] {
                case .arrived(let reply):
                    slots.removeValue(forKey: jobID)
                    return .some(reply)
                case .registered:
                    slots[jobID] = .waiting(continuation, deadline: deadline)
                    return .none
                case .waiting, nil:
                    return .some(nil)
                }
            }
            if let early { continuation.resume(returning: early) }
        }
    }

    /// Reads replies until graceful shutdown, and times out waiters past their budget.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.readLoop() }
                group.addTask { await self.sweepLoop() }
                await group.waitForAll()
            }
        }
        slots.withLock { slots in
            for case .waiting(let continuation, _) in slots.values { continuation.resume(returning: nil) }
            slots.removeAll()
        }
    }

    private func readLoop() async {
        let stream = broker.keys.replies(gateway: gatewayID)
        var lastID = "0-0"
        while !Task.isCancelled {
            do {
                let batches = try await reader.xread(streams: [(stream, lastID)], count: 512, block: .milliseconds(500))
                for (_, entries) in batches {
                    for entry in entries {
                        lastID = entry.id
                        deliver(entry)
                    }
                }
            } catch {
                logger.debug("reply stream read failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func deliver(_ entry: StreamEntry) {
        guard let jobID = entry["job_id"], let status = entry["status"].flatMap(JobStatus.init(rawValue:)) else { return }
        let result = entry["result"].flatMap { $0.isEmpty ? nil : (try? JSONParser.parse(Array($0.utf8)))?.objectValue }
        let error = entry["error"].flatMap { $0.isEmpty ? nil : $0 }
        let reply = JobReply(jobID: jobID, status: status, result: result, error: error)
        let waiting: CheckedContinuation<JobReply?, Never>? = slots.withLock { slots in
            switch slots[jobID] {
            case .registered:
                slots[jobID] = .arrived(reply)
                return nil
            case .waiting(let continuation, _):
                slots.removeValue(forKey: jobID)
                return continuation
            case .arrived, nil:
                return nil
            }
        }
        waiting?.resume(returning: reply)
    }

    private func sweepLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
            let now = ContinuousClock.now
            let expired: [CheckedContinuation<JobReply?, Never>] = slots.withLock { slots in
                var expired = [CheckedContinuation<JobReply?, Never>]()
                for (jobID, slot) in slots {
                    if case .waiting(let continuation, let deadline) = slot, deadline <= now {
                        expired.append(continuation)
                        slots.removeValue(forKey: jobID)
                    }
                }
                return expired
            }
            for continuation in expired { continuation.resume(returning: nil) }
        }
    }
}
