import Foundation
import Logging
import MCPBroker
import MCPTools
import MCPWire

extension MCPHandler {
    /// `tools/list`: the worker catalog; async tools declare task support.
    func listTools(_ call: MCPCall) async throws -> JSONObject {
        if catalog.descriptors.isEmpty { await catalog.refresh() }
        let tools: [JSONValue] = catalog.descriptors.filter { call.mayList($0.name) }.map { descriptor in
            var tool: JSONObject = [
                "name": .string(descriptor.name), "description": .string(descriptor.description), "inputSchema": descriptor.inputSchema,
            ]
            if descriptor.mode == .async { tool["execution"] = ["taskSupport": "optional"] }
            return .object(tool)
        }
        var result: JSONObject = ["tools": .array(tools)]
        if call.isModern {
            result["ttlMs"] = 0
            result["cacheScope"] = "private"
        }
        return call.complete(result)
    }

    /// `tools/call`: the same job as an envelope. A task when asked for (2025-11-25 `params.task`)
    /// or offered (2026-07-28, async tool, client declares the extension); otherwise the call
    /// waits for the job's result, bounded.
    func callTool(_ call: MCPCall) async throws -> JSONObject {
        let params = call.request.params
        guard let name = params["name"]?.stringValue else { throw JSONRPCError.invalidParams("name must be a string") }
        let arguments: JSONObject
        switch params["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let object)?: arguments = object
        default: throw JSONRPCError.invalidParams("arguments must be an object")
        }
        let descriptor: ToolDescriptor?
        do {
            descriptor = try await catalog.descriptor(named: name)
        } catch {
            throw error.isPoisonValue
                ? JSONRPCError.storeCorrupt(error.message, underlying: error) : JSONRPCError.unavailable(error.publicSummary, underlying: error)
        }
        guard let descriptor else { throw JSONRPCError.invalidParams("no tool named \"\(name)\" (tools/list lists them)", code: .unknownTool) }
        guard call.client.mayCall(name) else { throw JSONRPCError.invalidParams("client \"\(call.client.id)\" may not call \"\(name)\"", code: .forbiddenTool) }
        if let scopes = call.scopes, !scopes.covers(name) {
            let scope = TokenScopes.scope(for: name)
            throw JSONRPCError.bearer(BearerError(
                .insufficientScope, "the access token's scopes do not cover \"\(name)\": ask for \(scope) or \(OAuthConfiguration.allToolsScope)",
                challenge: .insufficientScope, scope: scope))
        }
        if let first = JSONSchemaValidator.firstViolation(.object(arguments), against: descriptor.inputSchema, path: "arguments") {
            // Input validation errors are tool execution errors (isError), naming the field.
            // The request is answered: its nonce is spent, so it cannot be replayed.
            try await consume(call)
            return MCPToolResult.failure("invalid_args: \(first)", modern: call.isModern)
        }
        let asTask: Bool
        if call.isModern {
            asTask = descriptor.mode == .async && call.acceptsTasks
        } else if let task = params["task"] {
            // The task's own lifetime is the server's retention (told back in task.ttl); a requested
            // one is read, but it must be one.
            guard let requested = task.objectValue else { throw JSONRPCError.invalidParams("task must be an object, e.g. {\"ttl\": 60000}") }
            if let ttl = requested["ttl"], !(ttl.integerValue.map { !$0.isNegative } ?? false), ttl != .null {
                throw JSONRPCError.invalidParams("task.ttl must be a whole number of milliseconds, 0 or more")
            }
            guard descriptor.mode == .async else { throw JSONRPCError.methodNotFound("\"\(name)\" does not support task-augmented calls (execution.taskSupport is forbidden)") }
            asTask = true
        } else {
            asTask = false
        }
        if !backlog.admitsSubmission() {
            throw JSONRPCError.overloaded("the job backlog (\(backlog.backlog)) is over its limit (\(backlog.backlogLimit)); retry after a moment")
        }
        if let mismatch = backlog.partitionMismatch {
            throw JSONRPCError.partitionMismatch(mismatch)
        }
        let jobID = broker.makeJobID(client: call.client.id, key: call.requestID)
        let waits = !asTask
        let ticket = waits ? replies.register(jobID: jobID) : nil
        let outcome: AcceptOutcome
        do {
            outcome = try await broker.accept(submission(call, jobID: jobID, tool: name, arguments: arguments, mode: descriptor.mode, replyTo: waits ? replies.gatewayID : nil))
        } catch {
            if let ticket { replies.unregister(ticket) }
            throw error
        }
        call.spent.mark()  // the accept script took the nonce, whatever its outcome
        guard outcome == .accepted(jobID: jobID) else {
            if let ticket { replies.unregister(ticket) }
            throw JSONRPCError.replayed
        }
        logger.debug("mcp job accepted", metadata: ["job.id": "\(jobID)", "tool.name": "\(name)", "mcp.task": "\(asTask)"])
        if asTask {
            // The accept script wrote exactly this (atomically, so tasks/get resolves already): no read back.
            let now = String(UnixTime.nowMillis())
            guard let record = JobRecord(id: jobID, fields: [
                "status": JobStatus.queued.rawValue, "tool": name, "client_id": call.client.id, "created_ms": now, "updated_ms": now,
            ]) else { throw JSONRPCError.internalError("cannot describe the new task") }
            let view = MCPTaskView(record: record, retentionMs: broker.configuration.retentionMillis)
            if call.isModern {
                var task = view.task2026()
                task["resultType"] = "task"
                return task
            }
            return ["task": .object(view.task2025())]
        }
        guard let ticket, let reply = await replies.wait(ticket, budget: min(descriptor.timeout + .seconds(5), callWait)) else {
            return MCPToolResult.failure("still_running: the job \(jobID) did not finish within the wait; call the tool as a task to follow it", modern: call.isModern)
        }
        return toolResult(status: reply.status, result: reply.result, error: reply.error, modern: call.isModern)
    }

    /// A `CallToolResult` for a finished job.
    func toolResult(status: JobStatus, result: JSONObject?, error: JobError?, modern: Bool) -> JSONObject {
        switch status {
        case .done: return MCPToolResult.success(result ?? [:], modern: modern)
        default: return MCPToolResult.failure(error?.description ?? "\(status.rawValue): the job did not succeed", modern: modern)
        }
    }

    /// The job's envelope: what workers decode. Built here from the authenticated call
    /// (the HTTP signature, not an envelope signature, proved who sent it).
    private func submission(_ call: MCPCall, jobID: String, tool: String, arguments: JSONObject, mode: ToolMode, replyTo: String?) -> JobSubmission {
        let requestID = call.requestID
        let envelope = Envelope(
            v: Envelope.version, requestID: requestID, tsMs: JSONInteger(UnixTime.nowMillis()), clientID: call.client.id,
            serverID: serverID, tool: tool, args: arguments, nonce: call.nonce, signature: "")
        return JobSubmission(
            jobID: jobID, envelopeJSON: String(decoding: envelope.wireBytes(), as: UTF8.self), tool: tool, mode: mode.rawValue,
            clientID: call.client.id, requestID: requestID, nonce: call.nonce, replyTo: replyTo)
    }
}
