import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// The recorded partition count lives in one key on one node (`mcp:config`): a node that
/// lost its data loses it, and the next process to start records its own count. Running
/// gateways write a lost record back, and while Redis records another count than theirs
/// they refuse new jobs (`partition_mismatch`, 503) instead of accepting jobs no worker
/// reads (outside attack, 2026-11-30).
@Suite("Recorded partition count while running")
struct PartitionRecordTests {
    @Test func aGatewayRefusesNewJobsWhileRedisRecordsAnotherCountAndWritesALostRecordBack() async throws {
        try await withDeployment { system in
            let client = system.client()
            let redis = try system.inspector()
            _ = try await redis.send("HSET", "mcp:config", "partitions", "3")  // as a process started with 3 would record it
            var refused: GatewayReply?
            #expect(await eventually(timeout: .seconds(30)) {
                guard let reply = try? await client.call("noop") else { return false }
                if reply.errorCode == "partition_mismatch" { refused = reply }
                return refused != nil
            })
            #expect(refused?.httpStatus == 503 && refused?.retryAfterSeconds == 5)
            #expect(refused?.response.error?.contains("records 3 partitions") == true, "\(refused?.response.error ?? "")")
            // Polls still work meanwhile; and once the count is back, jobs are accepted again.
            #expect(try await client.call("server_identity").response.status == .ok)
            _ = try await redis.send("DEL", "mcp:config")  // lost with a node's data
            #expect(await eventually(timeout: .seconds(30)) {
                guard let reply = try? await client.call("noop") else { return false }
                return reply.response.status == .accepted
            })
            #expect(await eventually(timeout: .seconds(30)) { (try? await redis.send("HGET", "mcp:config", "partitions").string) == "1" })
        }
    }
}
