import MCPBroker
import MCPWire

extension MCPHandler {
    /// The caller's own job, or the same error as for an unknown id.
    func ownedJob(_ call: MCPCall) async throws -> JobRecord {
        let taskID = try call.taskID()
        guard let record = try await broker.job(taskID), record.clientID == call.client.id else { throw JSONRPCError.unknownTask(taskID) }
        return record
    }

    func view(_ record: JobRecord) -> MCPTaskView {
        MCPTaskView(record: record, retentionMs: broker.configuration.retentionMillis)
    }

    /// Waits up to `budget` for a job to end, through this gateway's reply reader
    /// (the finishing worker, or the cancelling gateway, notifies every watcher); returns the job as it then is.
    func awaitFinal(_ jobID: String, budget: Duration) async throws -> JobRecord? {
        // Each request holds a ticket of its own: any number of them may wait on one job.
        let ticket = replies.register(jobID: jobID)
        let now: JobStatus?
        do {
            now = try await broker.watch(jobID: jobID, gateway: replies.gatewayID)
        } catch {
            replies.unregister(ticket)
            throw error
        }
        if now?.isFinal ?? true {  // ended already, or gone: nothing will be told
            replies.unregister(ticket)
        } else {
            _ = await replies.wait(ticket, budget: budget)
        }
        return try await broker.job(jobID)
    }

    /// `tasks/get`: the task (2025-11-25), or the detailed task with its result inline (2026-07-28).
    func getTask(_ call: MCPCall) async throws -> JSONObject {
        let record = try await ownedJob(call)
        return call.isModern ? view(record).detailed2026() : view(record).task2025()
    }

    /// `tasks/result` (2025-11-25): waits for the terminal state through this
    /// gateway's reply reader (the finishing worker notifies every watching gateway), bounded.
    func taskResult(_ call: MCPCall) async throws -> JSONObject {
        guard !call.isModern else { throw JSONRPCError.methodNotFound("tasks/result (not part of 2026-07-28; use tasks/get)") }
        var record = try await ownedJob(call)
        if !record.status.isFinal {
            record = try await awaitFinal(record.id, budget: callWait) ?? record
        }
        guard record.status.isFinal else {
            throw JSONRPCError.internalError("the task is still working after \(callWait); call tasks/result again", code: .stillRunning)
        }
        var result = toolResult(status: record.status, result: record.result, error: record.error, modern: false)
        result["_meta"] = .object(JSONObject([(MCPProtocol.relatedTaskMetaKey, .object(["taskId": .string(record.id)]))]))
        return result
    }

    /// `tasks/cancel`: a queued job never runs; a running one is stopped cooperatively.
    /// 2025-11-25 answers the task as cancelled; 2026-07-28 acknowledges.
    func cancelTask(_ call: MCPCall) async throws -> JSONObject {
        let record = try await ownedJob(call)
        let outcome = try await broker.cancel(jobID: record.id, client: call.client.id)
        if call.isModern { return call.complete([:]) }
        switch outcome {
        case .unknown: throw JSONRPCError.unknownTask(record.id)
        case .alreadyFinished(let status):
            throw JSONRPCError.invalidParams("the task already ended (\(status.rawValue)) and cannot be cancelled", code: .taskFinished)
        case .cancelled:
            return view(try await broker.job(record.id) ?? record).task2025()
        case .cancelling:
            // 2025-11-25 wants the task cancelled before the answer: give the worker a moment to stop the tool.
            let final = try await awaitFinal(record.id, budget: .seconds(2))
            var task = view(final ?? record).task2025()
            if final?.status.isFinal != true {
                task["status"] = "cancelled"
                task["statusMessage"] = "cancellation requested; the tool is being stopped"
            }
            return task
        }
    }

    /// `tasks/update` (2026-07-28): acknowledged; our tools never ask for input, so responses are ignored.
    func updateTask(_ call: MCPCall) async throws -> JSONObject {
        guard call.isModern else { throw JSONRPCError.methodNotFound("tasks/update (2026-07-28 only)") }
        _ = try await ownedJob(call)
        return call.complete([:])
    }
}
