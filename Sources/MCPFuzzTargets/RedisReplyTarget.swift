#if DEBUG || MCP_FUZZING
@testable import MCPBroker
@testable import MCPGateway
import MCPTools
import MCPWire
@testable import MCPWorker
import RedisClient

/// The production reply reader behind its size budget (``BudgetedReaderCheck``), then every
/// decoder of Redis replies, on reply trees read from RESP text (``RESPReader``): each reply is decoded as a stream read, an entry list,
/// XAUTOCLAIM, XPENDING (both forms), XINFO GROUPS/CONSUMERS/STREAM, a hash
/// (job record, heartbeat, catalog) and a claim-script reply; the decoded
/// values then go where the broker, gateway and worker send them (delivered
/// jobs, ingress entries, dead letters, reply-stream completions, stream-id
/// arithmetic for trimming, queue stats, MCP task views, poll answers).
enum RedisReplyTarget {
    static let jobID = "0123456789abcdef0123456789abcdef"

    static func run(_ bytes: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        try BudgetedReaderCheck.run(bytes)
        let values = RESPReader.values(bytes)
        guard !values.isEmpty else { return .rejected("resp") }
        for value in values { try decodeAll(value) }
        return .accepted
    }

    static func decodeAll(_ value: RedisValue) throws(FuzzFailure) {
        _ = (value.string, value.int64, value.bytes, value.isNull, value.errorMessage)
        _ = try? value.orThrow()
        var ids = [String]()
        for entry in entries(in: value) {
            ids.append(entry.id)
            try decode(entry)
        }
        if let claimed = try? AutoClaimResult.decode(value) { ids += claimed.deletedIDs + [claimed.nextStart] }
        let summary = try? PendingSummary.decode(value)
        if let summary { ids += [summary.smallestID, summary.largestID].compactMap { $0 } }
        for pending in (try? PendingEntry.decodeList(value)) ?? [] { ids.append(pending.id) }
        let groups = (try? StreamGroupInfo.decodeList(value)) ?? []
        for group in groups { ids.append(group.lastDeliveredID) }
        for id in ids { _ = trimPoint(afterDelivered: id, smallestPending: summary?.smallestID) }
        _ = stats(stream: value, groups: groups, consumers: (try? StreamConsumerInfo.decodeList(value)) ?? [])

        let fields = hash(value)
        try record(fields)
        _ = LiveWorker(workerID: "worker-1", fields: fields)
        for text in fields.values { try catalogEntry(text) }

        let claim = Broker.claimOutcome(value)
        if case .run(let attempts) = claim {
            _ = Worker.backoff(base: .seconds(1), attempt: attempts)
        }
    }

    /// Every stream entry the value holds, read as each stream reply shape.
    static func entries(in value: RedisValue) -> [StreamEntry] {
        var entries = [StreamEntry]()
        if let entry = try? StreamEntry.decode(value) { entries.append(entry) }
        if let list = try? StreamEntry.decodeList(value) { entries += list }
        if let streams = try? RedisClient.decodeStreams(value) {
            for stream in streams { entries += stream.entries }
        }
        if let claimed = try? AutoClaimResult.decode(value) { entries += claimed.entries }
        return entries
    }

    /// A stream entry as a job (worker), an ingress envelope (gateway), a dead letter and a completion.
    static func decode(_ entry: StreamEntry) throws(FuzzFailure) {
        if let job = DeliveredJob(entry) {
            _ = try? Envelope(json: JSONParser.parse(Array(job.envelopeJSON.utf8)))
            if let tool = (try? JSONParser.parse(Array(job.envelopeJSON.utf8)))?.objectValue?["tool"]?.stringValue {
                _ = ToolRegistry.builtIn.descriptor(named: tool)
            }
        }
        let ingress = IngressEntry(entry, isRedelivery: false)
        if let envelope = ingress.envelope {
            var parsed: JSONValue?
            do throws(GatewayFailure) {
                _ = try GatewayFixtures.verifier.decode(Array(envelope.utf8), parsed: &parsed)
            } catch {
                try GatewayFixtures.checkAnswer(
                    GatewayFixtures.responseSigner.failure(error, requestID: EnvelopeVerifier.requestID(of: parsed)), .redisReply)
            }
        }
        _ = DeadLetter(entry)
        if entry["job_id"] != nil, let status = entry["status"].flatMap(JobStatus.init(rawValue:)) {
            let result = entry["result"].flatMap { $0.isEmpty ? nil : (try? JSONParser.parse(Array($0.utf8)))?.objectValue }
            _ = JobReply(jobID: jobID, status: status, result: result, error: JobError(storedCode: entry["error_code"], text: entry["error"]))
        }
    }

    /// `trim`'s choice of the first id to keep (as `Broker.trim` computes it); `nil` when an id does not decode.
    static func trimPoint(afterDelivered id: String, smallestPending: String?) -> StreamID? {
        guard let delivered = StreamID(id) else { return nil }
        var keepFrom = delivered.successor ?? delivered
        if let text = smallestPending {
            guard let smallest = StreamID(text) else { return nil }
            keepFrom = min(keepFrom, smallest)
        }
        return keepFrom
    }

    /// `Broker.stats()`'s reading of XINFO STREAM, GROUPS and CONSUMERS, and the backlog it implies.
    static func stats(stream value: RedisValue, groups: [StreamGroupInfo], consumers: [StreamConsumerInfo]) -> Int {
        let stream = RedisValue.pairs(value)
        let length = Int(stream["length"]?.int64 ?? 0)
        let group = groups.first
        let stats = QueueStats(
            takenMs: FuzzFixtures.nowMillis, streamLength: length, entriesAdded: stream["entries-added"]?.int64,
            lag: group.map { $0.lag } ?? length, pending: group?.pending ?? 0, entriesRead: group?.entriesRead,
            consumers: consumers, workers: [], deadLetters: 0, retriesWaiting: 0, ingressLength: 0,
            ingressLag: group?.lag, ingressPending: group?.pending ?? 0, ingressRejected: 0)
        return stats.backlog
    }

    /// A hash reply as `RedisClient.hgetall` returns it.
    static func hash(_ value: RedisValue) -> [String: String] {
        var fields: [String: String] = [:]
        for (name, field) in RedisValue.pairs(value) { fields[name] = field.string ?? "" }
        return fields
    }

    /// A job hash as `poll_job`, `tasks/get` and `tasks/result` present it.
    static func record(_ fields: [String: String]) throws(FuzzFailure) {
        guard let record = JobRecord(id: jobID, fields: fields) else { return }
        _ = record.error?.code
        guard record.progress.isFinite, (0...1).contains(record.progress) else {
            throw FuzzFailure(.redisReply, "a job record's progress \(record.progress) is outside 0–1")
        }
        let view = MCPTaskView(record: record, retentionMs: 86_400_000)
        for task in [view.task2025(), view.task2026(), view.detailed2026()] { _ = CanonicalJSON.bytes(.object(task)) }
        try GatewayFixtures.checkAnswer(GatewayFixtures.responseSigner.job(record, requestID: "fuzz"), .redisReply)
    }

    /// A catalog hash value: a tool descriptor's JSON, which must survive its own re-encoding.
    static func catalogEntry(_ text: String) throws(FuzzFailure) {
        guard let value = try? JSONParser.parse(Array(text.utf8)), let descriptor = try? ToolDescriptor(json: value) else { return }
        guard (try? ToolDescriptor(json: JSONParser.parse(CanonicalJSON.bytes(descriptor.json())))) == descriptor else {
            throw FuzzFailure(.redisReply, "a catalog descriptor does not survive its own JSON")
        }
    }
}
#endif
