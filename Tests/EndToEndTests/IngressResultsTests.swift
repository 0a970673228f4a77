import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// DESIGN §5.3: an ingress entry's `reply_to` names a results stream
/// (`mcp:results:<name>`) where the producer blocks for its answer, as a
/// dramatiq client blocks on its result: how the job ended, or why its
/// envelope was refused, keyed by request id.
@Suite("Ingress results streams (reply_to)", .serialized)
struct IngressResultsTests {
    /// XADDs an envelope (and `reply_to` when given) to an ingress stream.
    @discardableResult
    static func produce(_ system: Deployment, _ envelope: Envelope, replyTo: String?, stream: String = "mcp:ingress") async throws -> String {
        var fields = [StreamField(name: "envelope", value: IngressTests.text(envelope))]
        if let replyTo { fields.append(StreamField(name: "reply_to", value: replyTo)) }
        return try await system.inspector().xadd(stream, fields: fields)
    }

    /// Blocks on a results stream (as a producer would, XREAD BLOCK) until the
    /// entry for `requestID` arrives after `after`; returns its fields.
    static func awaitResult(
        _ system: Deployment, stream: String, requestID: String, after: String = "0-0", field: String = "request_id"
    ) async throws -> [String: String]? {
        let redis = try system.inspector()
        var cursor = after
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let read = try await redis.xread(streams: [(stream, cursor)], count: 100, block: .seconds(2))
            for entry in read.flatMap(\.entries) {
                cursor = entry.id
                if entry[field] == requestID {
                    return Dictionary(entry.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                }
            }
        }
        return nil
    }

    @Test func aProducerBlocksOnItsResultsStreamForTheAnswer() async throws {
        try await withDeployment { system in
            let client = system.client()
            let sum = client.envelope(tool: "batch_sum", args: ["numbers": [1, 2.5, 3]])
            try await Self.produce(system, sum, replyTo: "app")
            let result = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: sum.requestID))
            #expect(result["status"] == "done")
            #expect(result["client_id"] == "client-001")
            #expect(try JSONParser.parse(Array((result["result"] ?? "").utf8)).objectValue?["total"] == .float(6.5))
            let jobID = try #require(result["job_id"])
            #expect(try await system.jobHash(jobID)["request_id"] == sum.requestID)
            // The stream expires on its own (a producer that went away leaves nothing behind).
            #expect(try await system.inspector().send("PTTL", "mcp:results:app").int64 ?? -1 > 0)

            // A control tool through ingress: its answer is the result.
            let identity = client.envelope(tool: "server_identity", args: [:])
            try await Self.produce(system, identity, replyTo: "app")
            let answered = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: identity.requestID))
            #expect(answered["status"] == "done" && answered["job_id"] == "")
            #expect(answered["result"]?.contains(Deployment.serverID) == true, "\(answered)")
        }
    }

    @Test func failuresRetriesAndCancelsEndOnTheResultsStream() async throws {
        try await withDeployment(workerArguments: ["--enable-test-tools"]) { system in
            let client = system.client()
            // A terminal tool error.
            let failing = client.envelope(tool: "simulate", args: ["fail_attempts": 1, "terminal": true])
            try await Self.produce(system, failing, replyTo: "app")
            let failed = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: failing.requestID))
            #expect(failed["status"] == "error" && !(failed["error_code"] ?? "").isEmpty)

            // Retried twice, then done: the notice comes from the last attempt, not the stream entry of the first.
            let flaky = client.envelope(tool: "simulate", args: ["fail_attempts": 2])
            try await Self.produce(system, flaky, replyTo: "app")
            let recovered = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: flaky.requestID))
            #expect(recovered["status"] == "done", "\(recovered)")
            #expect(try await system.jobHash(try #require(recovered["job_id"]))["attempts"] == "3")

            // Every attempt fails: dead-lettered, and the producer hears it.
            let doomed = client.envelope(tool: "simulate", args: ["fail_attempts": 5])
            try await Self.produce(system, doomed, replyTo: "app")
            let dead = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: doomed.requestID))
            #expect(dead["status"] == "error", "\(dead)")

            // Cancelled while running.
            let slow = client.envelope(tool: "simulate", args: ["sleep_ms": 20_000])
            try await Self.produce(system, slow, replyTo: "app")
            var jobID: String?
            #expect(await eventually(timeout: .seconds(30)) {
                let reply = try? await client.call("poll_job", args: ["request_id": .string(slow.requestID)])
                guard reply?.response.result?["status"]?.stringValue == "running" else { return false }
                jobID = reply?.response.result?["job_id"]?.stringValue
                return jobID != nil
            })
            let cancel = try await client.call("cancel_job", args: ["job_id": .string(try #require(jobID))])
            #expect(cancel.response.ok)
            let cancelled = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: slow.requestID))
            #expect(cancelled["status"] == "cancelled" && cancelled["error_code"] == "cancelled")
        }
    }

    @Test func refusalsAndDuplicatesAreAnsweredToo() async throws {
        try await withDeployment { system in
            let client = system.client()
            let redis = try system.inspector()

            // A bad signature: refused, recorded, and told to the producer with its code.
            var forged = client.envelope(tool: "batch_sum", args: ["numbers": [1]]).json().objectValue!
            forged.set("signature", .string(String(repeating: "0", count: 64)))
            let requestID = try #require(forged["request_id"]?.stringValue)
            let entryID = try await redis.xadd("mcp:ingress", fields: [
                StreamField(name: "envelope", value: CanonicalJSON.string(.object(forged))), StreamField(name: "reply_to", value: "app"),
            ])
            // Told by its entry id: ids no signature vouches for are not repeated into a producer's stream.
            let refused = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: entryID, field: "entry_id"))
            #expect(refused["status"] == "refused" && refused["error_code"] == "bad_signature", "\(refused)")
            #expect(refused["job_id"] == "" && refused["request_id"] == "" && refused["client_id"] == "", "\(refused)")
            let recorded = try await redis.xrange("mcp:ingress:rejected").last
            #expect(recorded?["request_id"] == requestID && recorded?["entry_id"] == entryID)  // the operator's record keeps the claim

            // The same request again (a new nonce) after it finished: the finished job is told again, not run again.
            let first = client.envelope(tool: "echo", args: ["message": "once"], requestID: "repeat-1")
            try await Self.produce(system, first, replyTo: "app")
            let done = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: "repeat-1"))
            let last = try #require(try await redis.xrange("mcp:results:app").last?.id)
            let again = client.envelope(tool: "echo", args: ["message": "once"], requestID: "repeat-1")
            try await Self.produce(system, again, replyTo: "app")
            let repeated = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: "repeat-1", after: last))
            #expect(repeated["job_id"] == done["job_id"] && repeated["status"] == "done")
            // The very same entry twice (its nonce replayed): told again as well.
            let last2 = try #require(try await redis.xrange("mcp:results:app").last?.id)
            try await Self.produce(system, again, replyTo: "app")
            let replayed = try #require(try await Self.awaitResult(system, stream: "mcp:results:app", requestID: "repeat-1", after: last2))
            #expect(replayed["job_id"] == done["job_id"] && replayed["status"] == "done")
            #expect(try await redis.send("XLEN", IngressTests.rejected).int64 == 1)  // only the forged one
        }
    }

    @Test(arguments: ["", "a:b", "spaces here", String(repeating: "x", count: 65), "new\nline"])
    func aBadReplyToNameIsRefusedAndWritesNoResults(name: String) async throws {
        try await withDeployment { system in
            let client = system.client()
            let envelope = client.envelope(tool: "echo", args: ["message": "x"])
            try await Self.produce(system, envelope, replyTo: name)
            let redis = try system.inspector()
            // An empty name too: written, it asks for answers no stream can take (a producer's unset variable).
            #expect(await eventually { (try? await redis.send("XLEN", IngressTests.rejected).int64) == 1 })
            let rejection = try #require(try await redis.xrange(IngressTests.rejected).first)
            #expect(rejection["code"] == "invalid_reply_to")
            #expect(try await redis.send("GET", "mcp:{0}:req:client-001:\(envelope.requestID)").isNull)
            #expect(try await redis.send("KEYS", "mcp:results:*").array?.isEmpty == true)
        }
    }

    /// A producer's own stream may name only its own results streams.
    @Test func aProducerStreamNamesOnlyItsOwnResults() async throws {
        try await withDeployment(gatewayArguments: ["--ingress-producers", "billing"]) { system in
            let client = system.client()
            let other = client.envelope(tool: "echo", args: ["message": "x"])
            try await Self.produce(system, other, replyTo: "reports", stream: "mcp:ingress:billing")
            let redis = try system.inspector()
            #expect(await eventually { (try? await redis.send("XLEN", IngressTests.rejected).int64) == 1 })
            #expect(try await redis.xrange(IngressTests.rejected).first?["code"] == "invalid_reply_to")

            let own = client.envelope(tool: "echo", args: ["message": "y"])
            try await Self.produce(system, own, replyTo: "billing-7", stream: "mcp:ingress:billing")
            let result = try #require(try await Self.awaitResult(system, stream: "mcp:results:billing-7", requestID: own.requestID))
            #expect(result["status"] == "done")
            #expect(try await redis.send("EXISTS", "mcp:results:reports").int64 == 0)
        }
    }
}
