import AsyncHTTPClient
import Foundation
import MCPClient
import MCPWire
import NIOCore
import RedisTestSupport
import Testing

/// Many `tasks/result` calls on one task: each is answered, and SIGTERM still
/// stops the gateway while they wait.
@Suite("Task waiters", .serialized)
struct TaskWaitersTests {
    /// A 2025-11-25 request (no `_meta`, no version header).
    static func legacy(_ method: String, id: Int, taskID: String) -> [UInt8] {
        CanonicalJSON.bytes(.object([
            "jsonrpc": "2.0", "id": .integer(JSONInteger(Int64(id))), "method": .string(method), "params": ["taskId": .string(taskID)],
        ]))
    }

    /// A client whose pool opens enough connections for every waiter at once
    /// (the shared client's 8 would queue the rest in the client).
    static func withWideClient(_ system: Deployment, _ body: (MCPHTTPClient) async throws -> Void) async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let client = MCPHTTPClient(
            url: system.url + "/mcp", signer: MCPRequestSigner(clientID: "client-001", secret: Deployment.clients["client-001"]!),
            verifier: MCPResponseVerifier(serverID: Deployment.serverID, secret: Deployment.serverSecret), http: http)
        do {
            try await body(client)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    /// How one racer of ``finished(_:within:_:)`` ended.
    enum Finish: Sendable {
        /// A request ended: its reply, or `nil` when it failed (a connection closed by the stopping gateway).
        case ended(MCPHTTPClient.Reply?)
        /// The deadline passed first.
        case deadline
    }

    /// Runs `count` copies of `send` concurrently; returns how many finished (answered or failed) within `limit`.
    /// A failed request counts as finished: what this measures is that nothing is left hanging.
    static func finished(_ count: Int, within limit: Duration, _ send: @escaping @Sendable (Int) async throws -> MCPHTTPClient.Reply) async -> [MCPHTTPClient.Reply?] {
        await withTaskGroup(of: Finish.self) { group in
            for n in 0..<count { group.addTask { .ended(try? await send(n)) } }
            group.addTask {
                try? await Task.sleep(for: limit)
                return .deadline
            }
            var replies = [MCPHTTPClient.Reply?]()
            loop: for await finish in group {
                switch finish {
                case .deadline:
                    break loop  // stop waiting: whatever has not ended by now hangs
                case .ended(let reply):
                    replies.append(reply)
                    if replies.count == count { break loop }
                }
            }
            group.cancelAll()
            return replies
        }
    }

    @Test func everyTasksResultOnOneTaskIsAnswered() async throws {
        try await withDeployment { system in try await Self.withWideClient(system) { client in
            let created = try await client.request("tools/call", params: ["name": "start_long_task", "arguments": ["seconds": 2]])
            let taskID = try #require(created.result?["taskId"]?.stringValue)
            let replies = await Self.finished(30, within: .seconds(20)) { n in
                try await client.post(Self.legacy("tasks/result", id: n, taskID: taskID))
            }
            #expect(replies.count == 30, "only \(replies.count) of 30 tasks/result calls were answered")
            for reply in replies {
                #expect(reply?.status == 200)
                #expect(reply?.result?["structuredContent"]?.objectValue?["duration_s"] == .integer(2), "\(reply.map { String(decoding: $0.body, as: UTF8.self) } ?? "no reply")")
            }
        } }
    }

    @Test func sigtermStopsTheGatewayWhileRequestsWaitOnATask() async throws {
        try await withDeployment { system in try await Self.withWideClient(system) { client in
            let created = try await client.request("tools/call", params: ["name": "start_long_task", "arguments": ["seconds": 20]])
            let taskID = try #require(created.result?["taskId"]?.stringValue)
            let gateway = system.gateways[0].process
            // Open the 30 connections first, so no request is still connecting when the listener closes.
            let warm = await Self.finished(30, within: .seconds(20)) { _ in try await client.request("ping") }
            #expect(warm.count == 30)
            // 60 s: the window opens before the waits and the SIGTERM, which a loaded machine can delay (one run had
            // 24 of 30 in 15 s). Left waiting, they would end with the task's result at 20 s, which the checks below refuse.
            async let replies = Self.finished(30, within: .seconds(60)) { n in
                try await client.post(Self.legacy("tasks/result", id: n, taskID: taskID))
            }
            // Once the waits have begun (the gateway watches the job), stop the gateway.
            #expect(await eventually { (try? await system.jobHash(taskID))?["watchers"]?.isEmpty == false })
            let clock = ContinuousClock()
            let signalled = clock.now
            gateway.signal(SIGTERM)
            #expect(await gateway.waitForExit(timeout: .seconds(10)), "gateway did not stop:\n\(gateway.log)")
            #expect(gateway.exitStatus == 0)
            #expect(clock.now - signalled < .seconds(10))
            let answered = await replies
            #expect(answered.count == 30, "\(answered.count) of 30 waiting requests ended")
            for reply in answered.compactMap({ $0 }) {
                #expect(reply.errorCode == "still_running", "\(String(decoding: reply.body, as: UTF8.self))")
            }
        } }
    }
}
