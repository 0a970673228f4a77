import Foundation
import MCPClient
import MCPWire
import RedisTestSupport
import Testing

/// `--event-loops N` (`MCP_EVENT_LOOPS`): the gateway and worker run their
/// HTTP, Redis I/O and tasks on exactly N SwiftNIO threads, and serve as usual;
/// a count out of range stops the process before it starts, with its reason.
@Suite("Event loop count")
struct EventLoopsTests {
    /// How many of a process's threads are SwiftNIO event loops (SwiftNIO names them `NIO-SGLTN-…`).
    static func eventLoopThreads(of pid: Int32) throws -> Int {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
        return tasks.filter { task in
            let name = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix("NIO-SGLTN")
        }.count
    }

    @Test("one loop each: sync and async calls work, and each process has one event-loop thread")
    func oneLoopServes() async throws {
        let one = ["--event-loops", "1"]
        try await withDeployment(gatewayArguments: one, workerArguments: one) { deployment in
            let client = deployment.client()
            let sum = try await client.call("batch_sum", args: ["numbers": [1, 2, 3]], requestID: "req-one-loop")
            #expect(sum.response.status == .ok && sum.response.result?["total"] == 6)
            let accepted = try await client.call("noop", requestID: "req-one-loop-async")
            let jobID = try #require(accepted.jobID)
            #expect(try await deployment.waitForFinal(jobID).response.result?["status"]?.stringValue == "done")
            #expect(try Self.eventLoopThreads(of: deployment.gateways[0].process.pid) == 1)
            #expect(try Self.eventLoopThreads(of: deployment.workers[0].pid) == 1)
            #expect(deployment.gateways[0].process.log.contains("event loops (1)"))
        }
    }

    @Test("a count out of range, by option or environment, is refused with its reason", arguments: [
        (["--event-loops", "257"], [String: String]()), (["--event-loops", "-1"], [:]), ([], ["MCP_EVENT_LOOPS": "many"]),
    ])
    func outOfRangeIsRefused(arguments: [String], environment: [String: String]) async throws {
        for (executable, required) in [("mcp-gateway", ["--keys", "/nonexistent"]), ("mcp-worker", [])] {
            let run = try await ProgramRun.run(
                ChildProcess.binaryFolder.appendingPathComponent(executable).path,
                ["--redis", "redis://127.0.0.1:1"] + required + arguments, environment: environment)
            #expect(run.status != 0, "\(executable) \(arguments) \(environment) started")
            #expect(run.errors.contains("MCP_EVENT_LOOPS") || run.errors.contains("--event-loops"), "\(executable): \(run.errors)")
        }
    }
}
