import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// The real gateway and worker, logged in as the `gateway` and `worker` users
/// of `deploy/redis/users.acl`, run every kind of job without one refused command.
@Suite("deploy/redis/users.acl: gateway and worker at work", .serialized)
struct ACLDeploymentTests {
    static let serverSecret = "acl-test-server-secret-0123456789abcdef"
    static let clientSecret = "acl-test-client-secret-fedcba9876543210"

    @Test func gatewayAndWorkerServeJobsAsTheirOwnUsers() async throws {
        try await withACLRedis { redis in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-acl-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            // The shipped key ring, with its file: secrets next to it (as compose and Kubernetes mount them).
            let keysFile = directory.appendingPathComponent("keyring.json")
            try FileManager.default.copyItem(at: RepositoryFiles.url("deploy/keyring.json"), to: keysFile)
            try (Self.serverSecret + "\n").write(to: directory.appendingPathComponent("server_secret"), atomically: true, encoding: .utf8)
            try (Self.clientSecret + "\n").write(to: directory.appendingPathComponent("client_001_secret"), atomically: true, encoding: .utf8)

            // A deployment's first step: the `setup` user loads the function library gateway and worker FCALL.
            try await redis.setUp(directory: directory)

            let worker = try await ChildProcess(
                executable: "mcp-worker", arguments: ["--concurrency", "4", "--worker-id", "acl-worker", "--enable-test-tools", "--lease", "1"],
                environment: ["MCP_REDIS_URL": redis.url(user: "worker"), "MCP_LOG_LEVEL": "debug"],
                logDirectory: directory, name: "worker")
            defer { worker.kill() }
            // Ready means: the gateway read the live-worker index the worker wrote.
            let gateway = try await GatewayProcess.start(
                redisURL: redis.url(user: "gateway"), keysFile: keysFile.path, directory: directory, extraArguments: ["--ingress-producers", "billing"])
            defer { gateway.process.kill() }

            let client = MCPStreamsClient(
                gatewayURL: gateway.url,
                credentials: ClientCredentials(
                    clientID: "client-001", secret: Array(Self.clientSecret.utf8),
                    serverID: "mcp-server-001", serverSecret: Array(Self.serverSecret.utf8)))

            // Catalog read (HGETALL mcp:tools), written by the worker.
            let identity = try await client.call("server_identity")
            #expect(identity.httpStatus == 200, "\(identity.response)")

            // A sync tool: accept script, XREADGROUP, claim, complete, reply stream, XREAD.
            let sum = try await client.call("batch_sum", args: ["numbers": [1, 2.5, 3, 10]])
            #expect(sum.response.status == .ok, "\(sum.response)")
            #expect(sum.response.result?["total"] == .float(16.5))

            // An async tool with progress, polled by job id and by request id.
            let requestID = UUID().uuidString.lowercased()
            let started = try await client.call("start_long_task", args: ["seconds": 1], requestID: requestID)
            let jobID = try #require(started.jobID, "\(started.response)")
            let finished = await eventually(timeout: .seconds(30)) {
                (try? await client.poll(jobID: jobID))?.response.status == .done
            }
            #expect(finished)
            let byRequest = try await client.call("poll_job", args: ["request_id": .string(requestID)])
            #expect(byRequest.response.result?["job_id"]?.stringValue == jobID, "\(byRequest.response)")
            #expect(byRequest.response.status == .done)

            // Cancelling a running job: the gateway's cancel script, the worker's cancel-flag check.
            let long = try await client.call("start_long_task", args: ["seconds": 20])
            let longID = try #require(long.jobID)
            #expect(await eventually(timeout: .seconds(30)) { (try? await client.poll(jobID: longID))?.response.status == .running })
            let cancel = try await client.cancel(jobID: longID)
            #expect(cancel.httpStatus == 200, "\(cancel.response)")
            // Not cancelled, the 20 s task would end "done": this wait cannot pass by itself.
            #expect(await eventually(timeout: .seconds(30)) {
                (try? await client.poll(jobID: longID))?.response.result?["status"]?.stringValue == "cancelled"
            })

            // Retries, a dead letter and a lease renewal: the retry, promote, dead-letter and renew scripts.
            let retried = try #require(try await client.call("simulate", args: ["fail_attempts": 1, "sleep_ms": 800]).jobID)
            let exhausted = try #require(try await client.call("simulate", args: ["fail_attempts": 5]).jobID)
            let settled = await eventually(timeout: .seconds(60)) {
                let first = try? await client.poll(jobID: retried)
                let second = try? await client.poll(jobID: exhausted)
                return first?.response.status == .done && second?.response.result?["dead"] == .bool(true)
            }
            #expect(settled)

            // A replayed envelope is refused by the replay guard the gateway may write.
            let envelope = client.envelope(tool: "batch_sum", args: ["numbers": [4, 5]]).wireBytes()
            #expect(try await client.send(envelope).httpStatus == 200)
            let replay = try await client.send(envelope)
            #expect(replay.errorCode == "replayed", "\(replay.response)")

            // Ingress: the producer user may only XADD; the gateway, as itself, creates the group,
            // reads, trims, accepts one envelope and records the refusal of another.
            let admin = try redis.client("admin")
            let producer = try redis.client("producer")
            let fed = client.envelope(tool: "batch_sum", args: ["numbers": [2, 3]])
            try await producer.xadd("mcp:ingress", fields: [StreamField(name: "envelope", value: String(decoding: fed.wireBytes(), as: UTF8.self))])
            try await producer.xadd("mcp:ingress", fields: [StreamField(name: "envelope", value: "{not json")])
            #expect(await eventually(timeout: .seconds(30)) {
                (try? await client.call("poll_job", args: ["request_id": .string(fed.requestID)]))?.response.status == .done
            })
            #expect(await eventually { (try? await admin.send("XLEN", "mcp:ingress:rejected").int64) == 1 })
            #expect(await eventually { (try? await admin.xpendingSummary("mcp:ingress", group: "gateways").count) == 0 })

            // The producer examples work as the producer user, nothing more.
            let producerEnvironment = [
                "MCP_REDIS_URL": redis.url(user: "producer"), "MCP_CLIENT_ID": "client-001",
                "MCP_CLIENT_SECRET": Self.clientSecret, "MCP_SERVER_ID": "mcp-server-001",
            ]
            let python = RepositoryFiles.url(".venv/bin/python").path
            try #require(FileManager.default.isExecutableFile(atPath: python), "run `make venv` first (make test does it)")
            let examples = [
                (python, [RepositoryFiles.url("examples/python/produce.py").path]),
                ("/bin/bash", [RepositoryFiles.url("examples/shell/produce.sh").path]),
            ]
            for (program, arguments) in examples {
                let run = try await ProgramRun.run(program, arguments, environment: producerEnvironment)
                #expect(run.status == 0, "\(arguments[0]): \(run.errors)")
                let produced = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(await eventually(timeout: .seconds(30)) {
                    (try? await client.call("poll_job", args: ["request_id": .string(produced)]))?.response.status == .done
                }, "\(arguments[0]) request \(produced)")
            }

            // mcpctl stats works as the `monitor` user (count-only commands) and sees the dead letter and the reject.
            let (statsStatus, statsOutput) = try await redis.mcpctl(["stats", "--json", "--sample", "0"], user: "monitor", directory: directory)
            #expect(statsStatus == 0, "\(statsOutput)")
            let statsLine = try #require(statsOutput.split(separator: "\n").last { $0.hasPrefix("{") }, "\(statsOutput)")
            let stats = try #require(try JSONParser.parse(String(statsLine)).objectValue)
            #expect(stats["dead_letters"]?.int64Value == 1, "\(statsLine)")
            #expect(stats["ingress"]?.objectValue?["rejected"]?.int64Value == 1, "\(statsLine)")
            #expect(stats["workers"]?.arrayValue?.count == 1, "\(statsLine)")

            // A producer with a stream of its own (--ingress-producers billing, user producer-billing): its envelopes
            // flow, and what it may write to its own stream (MAXLEN 0, the largest id) reaches no one else's envelopes.
            let billing = try redis.client("producer-billing")
            let billed = client.envelope(tool: "batch_sum", args: ["numbers": [7]])
            try await billing.xadd("mcp:ingress:billing", fields: [
                StreamField(name: "envelope", value: String(decoding: billed.wireBytes(), as: UTF8.self)), StreamField(name: "reply_to", value: "billing"),
            ])
            #expect(await eventually(timeout: .seconds(30)) {
                (try? await client.call("poll_job", args: ["request_id": .string(billed.requestID)]))?.response.status == .done
            })
            // It blocks on its own results stream as itself: the worker (as `worker`) wrote the answer there.
            let answer = try await billing.xread(streams: [("mcp:results:billing", "0-0")], block: .seconds(10)).flatMap(\.entries)
            #expect(answer.first?["request_id"] == billed.requestID && answer.first?["status"] == "done", "\(answer)")
            #expect(try await billing.reply("XADD", "mcp:ingress:billing", "MAXLEN", "0", "*", "envelope", "{}").errorMessage == nil)
            #expect(try await billing.reply("XADD", "mcp:ingress:billing", "18446744073709551615-18446744073709551615", "envelope", "{}").errorMessage == nil)
            let shared = client.envelope(tool: "batch_sum", args: ["numbers": [8]])
            try await producer.xadd("mcp:ingress", fields: [StreamField(name: "envelope", value: String(decoding: shared.wireBytes(), as: UTF8.self))])
            #expect(await eventually(timeout: .seconds(30)) {
                (try? await client.call("poll_job", args: ["request_id": .string(shared.requestID)]))?.response.status == .done
            })
            #expect(gateway.process.isRunning, "\(gateway.process.log.suffix(2000))")

            // What the worker wrote as itself: catalog, heartbeat and the live-worker index.
            #expect(try await admin.send("HLEN", "mcp:tools").int64 ?? 0 >= 4)
            #expect(try await admin.send("EXISTS", "mcp:workers:acl-worker").int64 == 1)
            #expect(try await admin.send("ZSCORE", "mcp:workers", "acl-worker").string != nil)

            // Graceful stop: the worker removes its heartbeat (DEL, ZREM) and exits 0.
            worker.signal(SIGTERM)
            #expect(await worker.waitForExit(timeout: .seconds(30)))
            #expect(worker.exitStatus == 0, "\(worker.log.suffix(2000))")
            #expect(try await admin.send("EXISTS", "mcp:workers:acl-worker").int64 == 0)
            #expect(try await admin.send("ZSCORE", "mcp:workers", "acl-worker").string == nil)

            // Redis logged no refused command or key for anyone, and neither process saw one.
            let refusals = try await admin.send("ACL", "LOG").array ?? []
            #expect(refusals.isEmpty, "ACL LOG: \(refusals.map(Self.describeLogEntry))")
            for process in [gateway.process, worker] {
                #expect(!process.log.contains("NOPERM"), "\(process.name) log:\n\(process.log.suffix(3000))")
                #expect(!process.log.contains("can't run this command"), "\(process.name) log:\n\(process.log.suffix(3000))")
            }
        }
    }

    /// One `ACL LOG` entry as `reason command object username` (its fields are a flat name/value list).
    static func describeLogEntry(_ entry: RedisValue) -> String {
        let words = (entry.array ?? []).map { $0.string ?? $0.int64.map(String.init) ?? "?" }
        var fields = [String: String]()
        for index in stride(from: 0, to: words.count - 1, by: 2) { fields[words[index]] = words[index + 1] }
        return ["reason", "context", "object", "username"].map { fields[$0] ?? "?" }.joined(separator: " ")
    }
}
