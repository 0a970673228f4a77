import Foundation
@testable import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

/// `mcpctl redis setup` tries every right this release's gateway and worker need with
/// `ACL DRYRUN` and names each one their users lack: the rules it knows are the shipped
/// file's, and an ACL file from before (a worker that may not expire request records) is
/// found before a process runs into it.
@Suite("ACL audit of the gateway and worker users", .serialized)
struct ACLAuditTests {
    /// The rules each role carries are its line of deploy/redis/users.acl, word for word, and the
    /// probe table knows every command in them (a new right in the file needs a probe here).
    @Test func theRolesRulesAreTheShippedFilesAndEveryCommandHasAProbe() throws {
        let lines = try ACLClusterTests.setUserCommands()
        for role in ACLRole.allCases {
            let line = try #require(lines.first { $0.first == role.rawValue })
            let shipped = line.dropFirst(3)  // name, `on`, password hash
            #expect(Array(shipped) == role.arguments)
            for section in role.rules {
                for word in section.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" }) where word.hasPrefix("+") && !word.hasPrefix("+@") {
                    let command = String(word.dropFirst())
                    #expect(ACLProbe.arguments(command, key: "k") != nil, "no probe for \(command) of \(role)")
                }
            }
        }
        #expect(ACLProbe.sample("mcp:{[0-9]*}:req:*", prefix: "acme") == "acme:{0}:req:acl-probe")
        #expect(ACLProbe.probes(of: .worker).contains { $0.command == ["PEXPIRE", "mcp:{0}:req:acl-probe", "1"] })
    }

    @Test func setupNamesEachRightAUserOfAnOlderFileLacks() async throws {
        try await withACLRedis { redis in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-acl-audit-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let workerProbes = ACLProbe.probes(of: .worker).count

            // The shipped file: every right granted.
            var (status, output) = try await redis.mcpctl(["redis", "setup", "--check"], user: "setup", directory: directory)
            #expect(status == 1, "the library is not loaded yet: \(output)")
            (status, output) = try await redis.mcpctl(["redis", "setup"], user: "setup", directory: directory)
            #expect(status == 0, "\(output)")
            #expect(output.contains("acl gateway user gateway: all \(ACLProbe.probes(of: .gateway).count) rights of this release"), "\(output)")
            #expect(output.contains("acl worker user worker: all \(workerProbes) rights of this release"), "\(output)")

            // The worker line of the file before request records lived as long as their jobs: no PEXPIRE on them.
            let admin = try redis.client("admin")
            defer { admin.close() }
            let old = ACLRole.worker.arguments.filter { !$0.contains(":req:") }
            #expect(try await admin.send(RedisCommand("ACL", ["SETUSER", "worker", "reset", "on", ">worker-demo-password"] + old)).string == "OK")
            (status, output) = try await redis.mcpctl(["redis", "setup", "--check"], user: "setup", directory: directory)
            #expect(status == 1, "\(output)")
            #expect(output.contains("acl worker user worker: lacks 1 of \(workerProbes) rights of this release"), "\(output)")
            #expect(output.contains("worker user worker may not PEXPIRE mcp:{0}:req:acl-probe 1: This user has no permissions to access the 'mcp:{0}:req:acl-probe' key"), "\(output)")
            #expect(output.contains("acl gateway user gateway: all"), "\(output)")
            // Without --check the library step still succeeds: the warnings are the answer.
            (status, output) = try await redis.mcpctl(["redis", "setup"], user: "setup", directory: directory)
            #expect(status == 0, "\(output)")

            // Other names, a user that does not exist, a user skipped.
            (status, output) = try await redis.mcpctl(["redis", "setup", "--check", "--worker-user", "nobody", "--gateway-user", ""], user: "setup", directory: directory)
            #expect(status == 0, "\(output)")
            #expect(output.contains("acl worker user nobody: none on"), "\(output)")
            #expect(!output.contains("acl gateway"), "\(output)")

            // A setup user of an ACL file from before (no ACL DRYRUN): said, not a failure.
            #expect(try await admin.send("ACL", "SETUSER", "setup", "-acl|dryrun").string == "OK")
            (status, output) = try await redis.mcpctl(["redis", "setup", "--check", "--worker-user", "nobody"], user: "setup", directory: directory)
            #expect(status == 0, "\(output)")
            #expect(output.contains("acl gateway user gateway: not checked (this Redis user may not run ACL DRYRUN"), "\(output)")
        }
    }
}
