import MCPWire

/// One job's status hash, decoded at the boundary.
public struct JobRecord: Sendable, Equatable {
    /// The job id.
    public let id: String
    /// Where the job stands.
    public let status: JobStatus
    /// The tool it runs.
    public let tool: String
    /// The client that created it; only this client may poll or cancel it.
    public let clientID: String
    /// The client's request id.
    public let requestID: String
    /// Timestamps in Unix ms; `nil` until they happen.
    public let createdMs: Int64
    /// See ``createdMs``.
    public let updatedMs: Int64
    /// See ``createdMs``.
    public let startedMs: Int64?
    /// See ``createdMs``.
    public let finishedMs: Int64?
    /// How many times a worker started it.
    public let attempts: Int
    /// Progress reported by the tool, 0–1.
    public let progress: Double
    /// The tool's latest progress message.
    public let message: String
    /// The result object when `done`.
    public let result: JSONObject?
    /// Why it did not succeed, when `error` or `cancelled` (or the last failure of a job waiting to retry).
    public let error: JobError?
    /// The worker that ran (or runs) it.
    public let worker: String?
    /// Whether the client asked to cancel it while it was running.
    public let cancelRequested: Bool
    /// Whether it was moved to the dead-letter stream.
    public let dead: Bool
    /// When a retry is due (Unix ms), while it waits in the delayed set.
    public let retryAtMs: Int64?
    /// The durability level the gateway confirmed (`replicated`), or `nil` for `local`.
    public let durability: Durability?
    /// Who is told when the job ends: gateway ids and `@`-prefixed results streams (``ResultsStream/watcher``).
    public let watchers: [String]

    /// Decodes a hash as returned by HGETALL; `nil` if the hash is empty or not a job
    /// (``defect(of:)`` says why).
    public init?(id: String, fields: [String: String]) {
        guard Self.defect(of: fields) == nil, let statusText = fields["status"], let status = JobStatus(rawValue: statusText) else { return nil }
        self.id = id
        self.status = status
        tool = fields["tool"] ?? ""
        clientID = fields["client_id"] ?? ""
        requestID = fields["request_id"] ?? ""
        createdMs = fields["created_ms"].flatMap { Int64($0) } ?? 0
        updatedMs = fields["updated_ms"].flatMap { Int64($0) } ?? createdMs
        startedMs = fields["started_ms"].flatMap { Int64($0) }
        finishedMs = fields["finished_ms"].flatMap { Int64($0) }
        attempts = max(0, fields["attempts"].flatMap { Int($0) } ?? 0)
        progress = Self.fraction(fields["progress"])
        message = fields["message"] ?? ""
        result = fields["result"].flatMap { $0.isEmpty ? nil : (try? JSONParser.parse(Array($0.utf8)))?.objectValue }
        error = JobError(storedCode: fields["error_code"], text: fields["error"])
        worker = fields["worker"].flatMap { $0.isEmpty ? nil : $0 }
        cancelRequested = fields["cancel_requested"] == "1"
        dead = fields["dead"] == "1"
        retryAtMs = fields["retry_at_ms"].flatMap { Int64($0) }
        durability = fields["durability"].flatMap(Durability.init(rawValue:))
        watchers = (fields["watchers"] ?? "").split(separator: ",").map(String.init)
    }

    /// Why a non-empty hash is no job record this release reads, or `nil` if it is one: no status,
    /// a status no release writes, or a result that is not a JSON object (a job that would poll
    /// as done with no result). Values are quoted short, never whole.
    public static func defect(of fields: [String: String]) -> String? {
        guard let status = fields["status"] else { return "no status field" }
        guard JobStatus(rawValue: status) != nil else { return "status \(BrokerError.excerpt(status))" }
        if let result = fields["result"], !result.isEmpty, (try? JSONParser.parse(Array(result.utf8)))?.objectValue == nil {
            return "a result that is not a JSON object: \(BrokerError.excerpt(result))"
        }
        // Every release writes a done job's result with its status (`{}` for none): done without one is half a record.
        if status == JobStatus.done.rawValue, (fields["result"] ?? "").isEmpty { return "status done without a result" }
        return nil
    }

    /// A progress fraction as written to the hash, clamped to 0–1. Any Redis
    /// writer (or a tool bug) can leave `nan`, `inf` or text there; those read as 0
    /// so that no later arithmetic (percentages, JSON) can trap.
    static func fraction(_ text: String?) -> Double {
        guard let value = text.flatMap({ Double($0) }), value.isFinite else { return 0 }
        return min(1, max(0, value))
    }

    /// The job as a JSON object for `poll_job` and `mcpctl`: id, status, progress, message, timestamps, result, error.
    public func json() -> JSONObject {
        var object = JSONObject([
            ("job_id", .string(id)),
            ("status", .string(status.rawValue)),
            ("tool", .string(tool)),
            ("request_id", .string(requestID)),
            ("progress", .float(progress)),
            ("message", .string(message)),
            ("attempts", .integer(JSONInteger(Int64(attempts)))),
            ("created_ms", .integer(JSONInteger(createdMs))),
            ("updated_ms", .integer(JSONInteger(updatedMs))),
        ])
        if let startedMs { object.set("started_ms", .integer(JSONInteger(startedMs))) }
        if let finishedMs { object.set("finished_ms", .integer(JSONInteger(finishedMs))) }
        if dead { object.set("dead", .bool(true)) }
        if let retryAtMs { object.set("retry_at_ms", .integer(JSONInteger(retryAtMs))) }
        if let durability { object.set("durability", .string(durability.rawValue)) }
        object.set("result", result.map { .object($0) } ?? .null)
        object.set("error", error.map { .string($0.description) } ?? .null)
        if let error { object.set("error_code", .string(error.code)) }
        return object
    }
}
