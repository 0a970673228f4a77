import Foundation
import MCPBroker
import MCPWire

/// A job seen as an MCP task: `taskId` = job id, status mapped from the job
/// hash, `statusMessage` from progress and message, timestamps from the hash,
/// TTL = the retention.
struct MCPTaskView: Sendable {
    /// The suggested polling interval.
    static let pollIntervalMs: Int64 = 500

    let record: JobRecord
    let retentionMs: Int64

    /// `working`, `completed`, `failed` or `cancelled`.
    var status: String {
        switch record.status {
        case .queued, .running: return "working"
        case .done: return "completed"
        case .error: return "failed"
        case .cancelled: return "cancelled"
        }
    }

    var statusMessage: String {
        switch record.status {
        case .queued: return record.message.isEmpty ? "queued" : record.message
        case .running:
            let percent = Int((record.progress * 100).rounded())
            return record.message.isEmpty ? "running: \(percent)%" : "\(percent)%: \(record.message)"
        case .done: return "completed"
        case .error, .cancelled: return record.error?.description ?? record.status.rawValue
        }
    }

    /// The 2025-11-25 `Task` (`ttl`, `pollInterval`).
    func task2025() -> JSONObject {
        [
            "taskId": .string(record.id), "status": .string(status), "statusMessage": .string(statusMessage),
            "createdAt": .string(Self.iso8601(record.createdMs)), "lastUpdatedAt": .string(Self.iso8601(record.updatedMs)),
            "ttl": .integer(JSONInteger(retentionMs)), "pollInterval": .integer(JSONInteger(Self.pollIntervalMs)),
        ]
    }

    /// The 2026-07-28 `Task` (`ttlMs`, `pollIntervalMs`).
    func task2026() -> JSONObject {
        [
            "taskId": .string(record.id), "status": .string(status), "statusMessage": .string(statusMessage),
            "createdAt": .string(Self.iso8601(record.createdMs)), "lastUpdatedAt": .string(Self.iso8601(record.updatedMs)),
            "ttlMs": .integer(JSONInteger(retentionMs)), "pollIntervalMs": .integer(JSONInteger(Self.pollIntervalMs)),
        ]
    }

    /// The 2026-07-28 `DetailedTask` for `tasks/get`: the result inline when completed, the error when failed.
    func detailed2026() -> JSONObject {
        var task = task2026()
        task["resultType"] = "complete"
        switch record.status {
        case .done:
            task["result"] = .object(MCPToolResult.success(record.result ?? [:], modern: true))
        case .error:
            task["error"] = .object(JSONRPCError.internalError(
                record.error?.description ?? "the job failed", code: JSONRPCError.Code(raw: record.error?.code ?? "tool_failed")).json())
        default:
            break
        }
        return task
    }

    /// RFC 3339 in UTC with milliseconds (an `ISO8601DateFormatter` per call
    /// cost more than the rest of a `tasks/get`, and rounded milliseconds down).
    static func iso8601(_ milliseconds: Int64) -> String {
        RFC3339Timestamp.string(milliseconds: milliseconds)
    }
}
