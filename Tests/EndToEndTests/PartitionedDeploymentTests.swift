import Foundation
import MCPBroker
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// A deployment started with `--partitions 3` (DESIGN §10) on one Redis: two
/// gateways and two workers serve jobs in every partition, a job is polled and
/// cancelled through any gateway by its id alone, and processes started with
/// another count refuse to start.
@Suite("Partitioned deployment")
struct PartitionedDeploymentTests {
    static let partitions = ["--partitions", "3"]

    @Test func jobsOfEveryPartitionRunAndAnyGatewayFindsThem() async throws {
        try await withDeployment(gateways: 2, workers: 2, gatewayArguments: Self.partitions, workerArguments: Self.partitions) { system in
            let a = system.client(gateway: 0), b = system.client(gateway: 1)
            for index in 0..<12 {
                let reply = try await (index.isMultiple(of: 2) ? a : b).call("batch_sum", args: ["numbers": [1, .integer(JSONInteger(Int64(index)))]])
                #expect(reply.response.status == .ok, "\(reply.response)")
                #expect(reply.response.result?["total"]?.doubleValue == Double(1 + index))
            }
            var jobIDs: [String] = []
            for _ in 0..<12 {
                let reply = try await a.call("noop")
                jobIDs.append(try #require(reply.jobID, "\(reply.response)"))
            }
            // The jobs went to several partitions; a poll through the other gateway finds each by its id.
            let redis = try system.inspector()
            var used = Set<Int>()
            for p in 0..<3 where !((try await redis.send("KEYS", "mcp:{\(p)}:job:*").array ?? []).isEmpty) { used.insert(p) }
            #expect(used.count >= 2, "\(used)")
            for id in jobIDs { #expect(try await system.waitForFinal(id, client: b).response.status == .done) }
            // An async task started on one gateway, polled and finished through the other.
            let started = try await a.call("start_long_task", args: ["seconds": 1, "payload": 7])
            let taskID = try #require(started.jobID)
            let done = try await system.waitForFinal(taskID, client: b)
            #expect(done.response.status == .done)
            // A retried request id returns its job, whichever gateway it reaches.
            let first = try await a.call("noop", requestID: "fixed-request")
            let again = try await b.call("noop", requestID: "fixed-request")
            #expect(first.jobID != nil && again.jobID == first.jobID)
            // /mcp: a task created on one gateway is followed on the other.
            let mcpA = MCPEndpointTests.client(system, gateway: 0), mcpB = MCPEndpointTests.client(system, gateway: 1)
            let task = try await mcpA.request("tools/call", params: ["name": "start_long_task", "arguments": ["seconds": 1]])
            let mcpTaskID = try #require(task.result?["taskId"]?.stringValue)
            // Its request record lies in the partition its request id names (the job id's), as for envelopes.
            let three = try #require(Partitioning(count: 3))
            let p = try #require(three.partition(ofJob: mcpTaskID))
            let requestID = try #require(try await redis.hgetall("mcp:{\(p)}:job:\(mcpTaskID)")["request_id"])
            #expect(three.partition(client: "client-001", key: requestID) == p)
            #expect(try await redis.get("mcp:{\(p)}:req:client-001:\(requestID)") == mcpTaskID)
            #expect(await eventually(timeout: .seconds(30)) {
                (try? await mcpB.request("tasks/get", params: ["taskId": .string(mcpTaskID)]))?.result?["status"]?.stringValue == "completed"
            })
            // mcpctl with the same count reads every partition; with another count it refuses.
            let (status, output) = try await system.mcpctl(["stats", "--json", "--partitions", "3"])
            #expect(status == 0, "\(output)")
            let (refused, message) = try await system.mcpctl(["stats", "--json"])
            #expect(refused != 0)
            #expect(message.contains("partition_mismatch") && message.contains("--partitions 3"), "\(message)")
        }
    }

    @Test func aProcessStartedWithAnotherCountRefusesToStart() async throws {
        try await withDeployment(gatewayArguments: Self.partitions, workerArguments: Self.partitions) { system in
            for executable in ["mcp-gateway", "mcp-worker"] {
                let arguments = executable == "mcp-gateway"
                    ? ["--redis", system.redis.url, "--keys", system.keysFile.path, "--listen", "127.0.0.1:0", "--partitions", "2"]
                    : ["--redis", system.redis.url, "--partitions", "2"]
                let process = try await ChildProcess(
                    executable: executable, arguments: arguments, environment: [:], logDirectory: system.directory, name: "\(executable)-wrong-count")
                let exited = await process.waitForExit(timeout: .seconds(20))
                if !exited { await process.killAndWait() }
                #expect(exited && process.exitStatus != 0, "\(executable) kept running:\n\(process.log)")
                #expect(process.log.contains("partition_mismatch") && process.log.contains("--partitions 3"), "\(process.log)")
            }
        }
    }
}
