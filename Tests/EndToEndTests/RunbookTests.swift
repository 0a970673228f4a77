import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// `docs/operations.md` is a runbook of `redis-cli` commands: every one of
/// them runs against a live deployment with jobs in each state (done,
/// running, waiting to retry, dead-lettered, refused at ingress), exits 0 and
/// prints something. Set `MCP_RUNBOOK_CAPTURE=FILE` to also write each
/// command's output (and `mcpctl stats`) there as JSON, to refresh the page.
@Suite("docs/operations.md runs against a live deployment")
struct RunbookTests {
    static let page = PythonScript.repositoryRoot.appendingPathComponent("docs/operations.md")

    /// Every line of a ```` ```sh ```` block (```` ```sh cluster ```` with `info: "sh cluster"`: the commands
    /// for a Redis Cluster, run by `ClusterDeploymentTests`) that starts with `redis-cli`.
    static func commands(in markdown: String, info: String = "sh") -> [String] {
        var inShell = false
        var commands = [String]()
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                inShell = !inShell && trimmed == "```\(info)"
                continue
            }
            if inShell && trimmed.hasPrefix("redis-cli ") { commands.append(trimmed) }
        }
        return commands
    }

    @Test func thePageCoversEveryQuestion() throws {
        let markdown = try String(contentsOf: Self.page, encoding: .utf8)
        let commands = Self.commands(in: markdown)
        let required = [
            "XINFO GROUPS mcp:{0}:stream", "XLEN mcp:{0}:stream", "XPENDING mcp:{0}:stream workers",
            "XPENDING mcp:{0}:stream workers - + 10", "HGETALL mcp:{0}:job:<job_id>", "XRANGE mcp:{0}:dead",
            "XLEN mcp:{0}:dead", "ZRANGEBYSCORE mcp:workers", "HGETALL mcp:workers:<worker_id>",
            "XREVRANGE mcp:ingress:rejected + - COUNT 10", "HGETALL mcp:tools", "ZRANGE mcp:{0}:delayed 0 -1 WITHSCORES", "XRANGE mcp:results:app",
        ]
        for piece in required {
            #expect(commands.contains { $0.contains(piece) }, "no runbook command for \(piece)")
        }
        #expect(!markdown.contains("\nOUTPUT\n") && !markdown.contains("\nSTATS\n"), "an output block was never filled in")
    }

    @Test func everyCommandRuns() async throws {
        let markdown = try String(contentsOf: Self.page, encoding: .utf8)
        let commands = Self.commands(in: markdown)
        #expect(commands.count >= 15)
        try await withDeployment(workerArguments: ["--enable-test-tools"]) { system in
            let client = system.client()
            let redis = try system.inspector()
            let socket = try #require(system.redis.socketPath)

            // done
            let requestID = UUID().uuidString.lowercased()
            let echo = try await client.call("echo", args: ["message": "hello"], requestID: requestID)
            let byRequest = try await client.call("poll_job", args: ["request_id": .string(requestID)])
            #expect(echo.response.status == .ok)
            let jobID = try #require(byRequest.jobID, "\(byRequest.response)")
            #expect(await eventually { (try? await system.jobHash(jobID))?["status"] == "done" })
            // dead-lettered after three failed attempts
            let dead = try #require(try await client.call("simulate", args: ["fail_attempts": 5]).jobID)
            #expect(await eventually(timeout: .seconds(30)) { (try? await system.jobHash(dead))?["dead"] == "1" })
            // accepted and refused at ingress
            let fed = client.envelope(tool: "batch_sum", args: ["numbers": [1, 2]])
            try await redis.xadd("mcp:ingress", fields: [
                StreamField(name: "envelope", value: String(decoding: fed.wireBytes(), as: UTF8.self)), StreamField(name: "reply_to", value: "app"),
            ])
            #expect(await eventually { (try? await redis.send("XLEN", "mcp:results:app").int64) == 1 })
            var forged = client.envelope(tool: "batch_sum", args: ["numbers": [3]]).json().objectValue!
            forged.set("signature", .string(String(repeating: "0", count: 64)))
            try await redis.xadd("mcp:ingress", fields: [StreamField(name: "envelope", value: CanonicalJSON.string(.object(forged)))])
            #expect(await eventually { (try? await redis.send("XLEN", "mcp:ingress:rejected").int64) == 1 })
            // running (pending on the worker)
            let running = try #require(try await client.call("simulate", args: ["sleep_ms": 60_000]).jobID)
            #expect(await eventually { (try? await system.jobHash(running))?["status"] == "running" })
            let workerID = try #require(try await redis.send("ZRANGE", "mcp:workers", "0", "-1").array?.first?.string)
            #expect(await eventually(timeout: .seconds(30)) { (try? await redis.hget("mcp:workers:\(workerID)", "in_flight")) == "1" })
            // waiting to retry: the worker schedules the retry, then is frozen before it can promote it (≥ 80 ms later)
            let worker = system.workers[0]
            var frozen = false
            for _ in 0..<20 where !frozen {  // a loaded machine may miss the 100 ms window a few times
                _ = try await client.call("simulate", args: ["fail_attempts": 1, "sleep_ms": 100])
                _ = await eventually(timeout: .seconds(30)) { ((try? await redis.send("ZCARD", "mcp:{0}:delayed").int64) ?? 0) > 0 }
                worker.signal(SIGSTOP)
                frozen = (try await redis.send("ZCARD", "mcp:{0}:delayed").int64 ?? 0) > 0
                if !frozen { worker.signal(SIGCONT) }
            }
            try #require(frozen, "could not catch a retry waiting in mcp:{0}:delayed")
            defer { worker.signal(SIGCONT) }

            let values = ["<job_id>": jobID, "<worker_id>": workerID, "<client_id>": "client-001", "<request_id>": requestID]
            var captured = [JSONValue]()
            for command in commands {
                var line = command.replacingOccurrences(of: "redis-cli ", with: "redis-cli -s '\(socket)' --no-raw ", options: .anchored)
                for (placeholder, value) in values { line = line.replacingOccurrences(of: placeholder, with: value) }
                #expect(line.range(of: #"<[a-z_]+>"#, options: .regularExpression) == nil, "unknown placeholder in: \(command)")
                let run = try await ExternalProgram.run("bash", ["-c", line], in: system.directory, timeout: .seconds(10))
                #expect(run.status == 0, "\(command) exited \(run.status): \(run.errors)")
                #expect(!run.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(command) printed nothing")
                #expect(!run.output.hasPrefix("(error)"), "\(command): \(run.output)")
                captured.append(.object(["command": .string(command), "output": .string(run.output)]))
            }

            if let path = ProcessInfo.processInfo.environment["MCP_RUNBOOK_CAPTURE"] {
                let (_, stats) = try await system.mcpctl(["stats"])
                captured.append(.object(["command": "mcpctl stats", "output": .string(stats)]))
                try CanonicalJSON.string(.array(captured)).write(toFile: path, atomically: true, encoding: .utf8)
            }
        }
    }
}
