import Logging
import MCPBroker
import ServiceLifecycle

/// Feeds envelopes other services `XADD` to one ingress stream (`mcp:ingress`,
/// or a producer's own `mcp:ingress:<producer>`) through the same path as
/// `POST /v1/envelopes` (DESIGN §1). Every gateway is a consumer (named by its
/// gateway id) of the group `gateways`, so each entry is handled by one gateway.
///
/// An accepted entry (a new job, or the existing job of a repeated
/// `request_id`) is acknowledged. A refused one is written to
/// `mcp:ingress:rejected` with its code and reason, then acknowledged. When
/// Redis is unreachable or the backlog is over its limit the entry stays
/// pending and is tried again; entries a dead gateway held are reclaimed after
/// the lease. A sync tool submitted here is never waited for.
final class IngressConsumer: Service, Sendable {
    private let handler: EnvelopeHandler
    private let broker: Broker
    private let reader: BrokerReader
    /// The producer whose own stream this is, or `nil` for the shared `mcp:ingress`.
    let producer: IngressProducer?
    /// Every producer with a stream of its own: their results names are theirs alone.
    private let producers: [IngressProducer]
    /// The stream this consumer reads.
    let stream: String
    private let backlog: BacklogMonitor
    private let health: IngressHealth
    private let consumer: String
    private let batch: Int
    private let lease: Duration
    private let block: Duration
    private let trimInterval: Duration
    private let logger: Logger

    /// Creates a consumer; `reader` must be a connection of its own (it blocks).
    init(
        handler: EnvelopeHandler, broker: Broker, reader: BrokerReader, producer: IngressProducer?, producers: [IngressProducer] = [],
        backlog: BacklogMonitor, health: IngressHealth = IngressHealth(), consumer: String, batch: Int, lease: Duration, block: Duration = .seconds(2), trimInterval: Duration = .seconds(10),
        logger: Logger
    ) {
        self.handler = handler
        self.broker = broker
        self.reader = reader
        self.producer = producer
        self.producers = producers
        self.stream = producer.map { broker.keys.ingress(producer: $0) } ?? broker.keys.ingress
        self.backlog = backlog
        self.health = health
        self.consumer = consumer
        self.batch = max(1, batch)
        self.lease = lease
        self.block = block
        self.trimInterval = trimInterval
        self.logger = logger
    }

    /// Consumes until graceful shutdown; the entry batch in hand is finished first.
    func run() async throws {
        await cancelWhenGracefulShutdown { await self.consume() }
    }

    private func consume() async {
        let clock = ContinuousClock()
        var groupReady = false
        var ownPending = true  // first finish what this consumer was given before (a restart with the same id)
        var oneByOne = false  // a read came back larger than the reader's limit: read own pending entries one at a time
        var nextReclaim = clock.now
        var nextTrim = clock.now  // trim once at start, then every interval
        var failures = 0
        var lastCause = ""  // the last failure logged, to log a new one at once
        var pending: PendingIngressRead?  // a read sent with the last settlement
        while !Task.isCancelled {
            do {
                if !groupReady {
                    try await broker.ensureIngressGroup(stream: stream)
                    groupReady = true
                }
                if backlog.isOverloaded {  // leave envelopes unread while workers catch up
                    try? await Task.sleep(for: .milliseconds(250))
                    continue
                }
                var entries = [IngressEntry]()
                if clock.now >= nextReclaim {
                    nextReclaim = clock.now + lease / 4
                    // Claimed by id: they are this consumer's own pending entries now, read as such next.
                    let reclaimed = try await broker.reclaimIngress(stream: stream, consumer: consumer, lease: lease, count: batch)
                    if !reclaimed.isEmpty {
                        ownPending = true
                        logger.info("reclaimed ingress entries from an unresponsive gateway", metadata: ["ingress.count": "\(reclaimed.count)", "ingress.stream": "\(stream)"])
                    }
                }
                if let read = pending {
                    pending = nil
                    let reader = self.reader
                    entries = try await withTaskCancellationHandler { try await read.delivered() } onCancel: { reader.interrupt() }
                } else if ownPending && oneByOne {
                    entries = try await broker.readIngressOneByOne(using: reader, stream: stream, consumer: consumer, count: batch)
                    if entries.isEmpty { (ownPending, oneByOne) = (false, false) }
                } else {
                    entries = try await broker.readIngress(using: reader, stream: stream, consumer: consumer, count: batch, block: block, ownPending: ownPending)
                    if ownPending && entries.isEmpty { ownPending = false }
                }
                // The next read of new entries shares the settlement's round trip, unless one is
                // still in flight (these entries were reclaimed) or this consumer must re-read its own first.
                let (retried, next) = try await settle(entries, thenRead: pending == nil && !ownPending && !backlog.isOverloaded)
                if let next { pending = next }
                if retried {
                    ownPending = true  // some were left pending: read them again after a pause
                    try? await Task.sleep(for: .milliseconds(500))
                }
                if clock.now >= nextTrim {
                    nextTrim = clock.now + trimInterval
                    let keptFrom = try await broker.trimIngress(stream: stream)
                    logger.debug("ingress stream trimmed", metadata: ["ingress.kept_from": "\(keptFrom ?? "-")"])
                }
                if failures > 0 { health.recovered(stream) }
                failures = 0
                lastCause = ""
            } catch {
                groupReady = false  // the stream may have been deleted (NOGROUP): create it again
                if Task.isCancelled { break }  // stopping: the read was ended on purpose
                // An entry too large to read in a batch (a producer wrote more than any envelope may be):
                // what the read delivered is this consumer's, read one at a time, the culprit refused unread.
                if (error as? BrokerError)?.code == .replyTooLarge { oneByOne = true }
                failures += 1
                // Once, then every minute or so while it lasts, and whenever the cause changes: an operator
                // must hear of an ingress that stopped, and why.
                let cause = String("\(error)".prefix(48))  // the kind of failure, not its changing details
                let level: Logger.Level = failures == 1 || failures % 30 == 0 || cause != lastCause ? .warning : .debug
                lastCause = cause
                // A code only: /readyz shows it to anyone, and a message may name the Redis host and user.
                let code = (error as? BrokerError).map { $0.isWrongType ? "wrong_type" : $0.code.description } ?? "internal"
                health.failed(stream, cause: code)
                logger.log(level: level, "ingress read or settlement failed; retrying", metadata: [
                    "error": "\(error)", "ingress.stream": "\(stream)", "ingress.failures": "\(failures)",
                ])
                // A read may have been in flight (sent with the settlement, or on the wire when it failed):
                // whatever it delivered is this consumer's now, so read its own pending entries next.
                pending = nil
                ownPending = true
                try? await Task.sleep(for: .milliseconds(min(2000, 50 << min(failures, 6))))
            }
        }
        // Stopping: end the read sent with the last settlement; what it delivered first is settled too.
        if let read = pending {
            reader.interrupt()
            if let late = try? await read.delivered(), !late.isEmpty { _ = try? await settle(late, thenRead: false) }
        }
    }

    /// Handles a batch concurrently, then records refusals and acknowledges in
    /// one round trip, with the next read of new entries when `thenRead` (and none
    /// was left to retry). Returns whether any entry was left pending to retry, and the read sent.
    private func settle(_ entries: [IngressEntry], thenRead: Bool) async throws(BrokerError) -> (retried: Bool, next: PendingIngressRead?) {
        guard !entries.isEmpty else { return (false, nil) }
        let verdicts = await withTaskGroup(of: IngressVerdict.self, returning: [IngressVerdict].self) { group in
            for entry in entries { group.addTask { await self.verdict(on: entry) } }
            var verdicts = [IngressVerdict]()
            for await verdict in group { verdicts.append(verdict) }
            return verdicts
        }
        var acknowledged = [String]()
        var rejections = [IngressRejection]()
        var retried = false
        for verdict in verdicts {
            switch verdict {
            case .acknowledge(let id): acknowledged.append(id)
            case .reject(let rejection): rejections.append(rejection)
            case .retry: retried = true
            }
        }
        if thenRead && !retried {
            let next = try await broker.settleIngressThenRead(
                stream: stream, acknowledging: acknowledged, rejections: rejections, gateway: consumer,
                using: reader, consumer: consumer, count: batch, block: block)
            return (false, next)
        }
        try await broker.settleIngress(stream: stream, acknowledging: acknowledged, rejections: rejections, gateway: consumer)
        return (retried, nil)
    }

    /// Why `name` may not be named from this stream.
    private func notAllowed(_ name: String) -> String {
        // The owner is the longest producer name that claims it.
        let owner = producers.filter { ResultsStream(name)?.isOwned(by: $0) == true }.max { $0.name.utf8.count < $1.name.utf8.count }
        if let producer {
            let taken = owner.map { $0 != producer ? " (\(name) is producer \($0.name)'s)" : "" } ?? ""
            return "an entry of \(stream) may name only the results stream \(producer.name) or \(producer.name)-<suffix>\(taken)"
        }
        return "the results stream \(name) belongs to producer \(owner?.name ?? "?"): only entries of its own stream may name it"
    }

    private func verdict(on entry: IngressEntry) async -> IngressVerdict {
        if entry.isDeleted { return .acknowledge(entry.entryID) }  // trimmed while pending: nothing to handle
        var results: ResultsStream?
        if let name = entry.replyTo {
            guard let named = ResultsStream(name), named.isAllowed(from: producer, producers: producers) else {
                let why = ResultsStream.problem(name).map { "the reply_to name \($0)" } ?? notAllowed(name)
                return .reject(IngressRejection(entryID: entry.entryID, code: "invalid_reply_to", reason: why, clientID: "", requestID: ""))
            }
            results = named
        }
        if let problem = entry.problem {
            return .reject(IngressRejection(
                entryID: entry.entryID, code: problem.code, reason: problem.reason, clientID: "", requestID: "", resultsTo: results))
        }
        guard let envelope = entry.envelope else {
            return .reject(IngressRejection(
                entryID: entry.entryID, code: "no_envelope",
                reason: "the ingress entry has no envelope field: XADD \(stream) * envelope <signed JSON>", clientID: "", requestID: "",
                resultsTo: results))
        }
        // Refuse an oversized entry before copying or parsing it (DESIGN §3 step 1).
        let limit = handler.verifier.bodyLimit
        guard envelope.utf8.count <= limit else {
            return .reject(IngressRejection(
                entryID: entry.entryID, code: GatewayFailure.Code.payloadTooLarge.description,
                reason: "the envelope is \(envelope.utf8.count) bytes; the limit is \(limit)", clientID: "", requestID: "",
                resultsTo: results))
        }
        let outcome = await handler.process(Array(envelope.utf8), source: .ingress(results: results), redelivery: entry.isRedelivery)
        guard let failure = outcome.failure else {
            logger.debug("ingress envelope accepted", metadata: ["request.id": "\(outcome.requestID)", "ingress.entry": "\(entry.entryID)"])
            return .acknowledge(entry.entryID)
        }
        switch failure.code {
        case .unavailable, .overloaded, .rateLimited, .notReplicated, .partitionMismatch:
            return .retry  // transient: the entry stays pending; a not-replicated job is found by its request id on the retry
        case .replayed where entry.isRedelivery || results != nil:
            // An earlier delivery may have been accepted just before its gateway died
            // (or the producer sent the same entry twice): then the nonce is used by
            // this very envelope, and its job exists; its results stream hears how it ends.
            // Only a results stream the job was accepted with hears of it: a captured envelope
            // replayed with another reply_to is refused `replayed` like any replay.
            if let job = try? await broker.job(forRequest: outcome.requestID, client: outcome.clientID), job.clientID == outcome.clientID,
                results.map({ job.watchers.contains($0.watcher) }) ?? true
            {
                // Settled only once the job is as durable as configured (its first delivery may have been refused not_replicated).
                guard (try? await broker.confirmReplicated(job)) != nil else { return .retry }
                if let results {
                    do throws(BrokerError) {
                        _ = try await broker.announceWhenFinished(jobID: job.id, to: results)
                    } catch where error.isWrongType {
                        // The producer's results key holds something else: no retry mends that.
                        logger.warning("a results stream holds a value of another type; its answer is dropped", metadata: [
                            "ingress.results": "\(results)", "error": "\(error)",
                        ])
                    } catch {
                        return .retry
                    }
                }
                return .acknowledge(entry.entryID)
            }
        default:
            break
        }
        logger.debug("ingress envelope refused", metadata: [
            "request.id": "\(outcome.requestID)", "error.code": "\(failure.code)", "ingress.entry": "\(entry.entryID)",
        ])
        return .reject(IngressRejection(
            entryID: entry.entryID, code: failure.code.description, reason: failure.message, clientID: outcome.clientID, requestID: outcome.requestID,
            resultsTo: results, idsVerified: !failure.isBeforeSignature))
    }
}
