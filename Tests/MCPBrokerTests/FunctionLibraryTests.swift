import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

/// The broker's Lua code is one Redis function library, checked and loaded by `prepareFunctions`.
@Suite("Broker function library")
struct FunctionLibraryTests {
    @Test func prepareLoadsTheLibraryOnceWithEveryFunction() async throws {
        try await withBroker { broker, redis in
            try await redis.send("FUNCTION", "FLUSH")
            #expect(try await broker.prepareFunctions() == .loaded)
            #expect(try await broker.prepareFunctions() == .present)
            let listed = try await redis.send("FUNCTION", "LIST", "LIBRARYNAME", BrokerFunctions.library.name)
            let functions = RedisValue.pairs(try #require(listed.array?.first))["functions"]?.array ?? []
            let names = Set(functions.compactMap { RedisValue.pairs($0)["name"]?.string })
            let version = BrokerFunctions.library.version
            #expect(names == Set(
                ["accept", "claim", "complete", "watch", "retry", "promote", "deadLetter", "redrive", "renew", "progress", "cancel", "settle", "requeue"]
                    .map { "mcp_\(version)_\($0)" }))
            #expect(BrokerFunctions.accept.name == "mcp_\(version)_accept")
        }
    }

    @Test func checkingOnlyReportsAMissingLibraryWithTheFix() async throws {
        try await withBroker { broker, redis in
            try await redis.send("FUNCTION", "FLUSH")
            await #expect {
                try await broker.prepareFunctions(load: false)
            } throws: { error in
                let error = error as? BrokerError
                return error?.code == .functionLibrary && error?.message.contains("mcpctl redis setup") == true
            }
            #expect(try await redis.loadedCode(ofLibrary: BrokerFunctions.library.name) == nil, "checking loads nothing")
        }
    }

    @Test func otherCodeUnderThisBuildsNameIsRefusedUnlessReplaced() async throws {
        try await withBroker { broker, redis in
            let name = BrokerFunctions.library.name
            let forged = "#!lua name=\(name)\nredis.register_function('forged_\(BrokerFunctions.library.version)', function(KEYS, ARGV) return 1 end)\n"
            try await redis.send("FUNCTION", "LOAD", "REPLACE", forged)
            await #expect {
                try await broker.prepareFunctions()
            } throws: { error in
                let error = error as? BrokerError
                return error?.code == .functionLibrary && error?.message.contains("--replace") == true
            }
            #expect(try await broker.prepareFunctions(replace: true) == .replaced)
            #expect(try await redis.loadedCode(ofLibrary: name) == BrokerFunctions.library.code)
        }
    }

    @Test func aJobFlowsAfterTheLibraryWasFlushedMidway() async throws {
        try await withBroker { broker, redis in
            let job = submission()
            #expect(try await broker.accept(job) == .accepted(jobID: job.jobID))
            try await redis.send("FUNCTION", "FLUSH")  // e.g. Redis restarted without its data
            let claimed = try await broker.readJobs(using: BrokerReader(redis), consumer: "w1", count: 10, block: .milliseconds(100))
            try #require(claimed.count == 1)
            #expect(try await broker.claim(claimed, worker: "w1") == [.run(attempts: 1)])
        }
    }
}
