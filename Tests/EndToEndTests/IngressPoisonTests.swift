import Foundation
import MCPClient
import MCPWire
import RedisClient
import RedisTestSupport
import Testing

/// What an outside attack on the ingress door found (2026-11-30), each fixed and
/// kept here: a poison key must not stall the entries behind it, a captured
/// envelope replayed with another `reply_to` must not leak its job's result, the
/// shared stream must not answer into a producer's own results, and an entry
/// must mean one thing (each field once, its envelope's exact bytes).
@Suite("Ingress under poison values and replays", .serialized)
struct IngressPoisonTests {
    /// A lease far longer than the wait below: an entry held back by a failed settlement
    /// would only come back when reclaimed after it.
    static let longLease = ["--ingress-lease", "60"]

    @Test(arguments: ["mcp:results:poison", IngressTests.rejected])
    func aKeyOfAnotherTypeWhereARefusalGoesDoesNotHoldBackTheNextEntry(poisoned key: String) async throws {
        try await withDeployment(gatewayArguments: Self.longLease) { system in
            let client = system.client()
            let redis = try system.inspector()
            _ = try await redis.send("SET", key, "not a stream")
            var forged = client.envelope(tool: "echo", args: ["message": "x"])
            forged = Envelope(
                v: forged.v, requestID: forged.requestID, tsMs: forged.tsMs, clientID: forged.clientID, serverID: forged.serverID,
                tool: forged.tool, args: forged.args, nonce: forged.nonce, signature: String(repeating: "0", count: 64))
            try await IngressResultsTests.produce(system, forged, replyTo: "poison")
            let good = client.envelope(tool: "echo", args: ["message": "behind the poison"])
            let started = ContinuousClock.now
            try await IngressResultsTests.produce(system, good, replyTo: "app")
            let result = try #require(try await IngressResultsTests.awaitResult(system, stream: "mcp:results:app", requestID: good.requestID))
            #expect(result["status"] == "done")
            #expect(ContinuousClock.now - started < .seconds(15), "the entry behind the poison waited for the lease")
            #expect(await eventually { (try? await IngressTests.pending(system)) == 0 })
            #expect(try await redis.send("GET", key).string == "not a stream")  // left as it was, for an operator
        }
    }

    /// A producer's entry larger than one ingress read may bring (3 MiB here, where a read of 4
    /// envelopes of at most 64 KiB may take 336 KiB) is not read into the gateway's memory: the
    /// read that met it ends, its entries are read one at a time, the large one is refused
    /// `payload_too_large` unread, the others run, and nothing stays pending.
    @Test func anEntryLargerThanAReadMayBringIsRefusedUnreadAndTheOthersRun() async throws {
        try await withDeployment(gatewayArguments: ["--ingress-batch", "4", "--body-limit", "65536"]) { system in
            let client = system.client()
            let redis = try system.inspector()
            let before = client.envelope(tool: "echo", args: ["message": "before"])
            let after = client.envelope(tool: "echo", args: ["message": "after"])
            func entry(_ envelope: Envelope) -> RedisCommand {
                .xadd(IngressTests.ingress, fields: [
                    StreamField(name: "envelope", value: IngressTests.text(envelope)), StreamField(name: "reply_to", value: "large"),
                ])
            }
            // In one round trip, so that a read is likely to take the large entry with another.
            let ids = try await redis.pipeline([
                entry(before), .xadd(IngressTests.ingress, fields: [StreamField(name: "envelope", value: String(repeating: "x", count: 3 << 20))]), entry(after),
            ]).map(\.string)
            // 15 000 tiny fields: about 245 KB on the wire, under the read's 336 KiB, but 4.8 MB parsed.
            let fields = (0..<15_000).map { StreamField(name: String($0), value: "") }
            let manyID = try #require(try await redis.pipeline([.xadd(IngressTests.ingress, fields: fields)])[0].string)
            for largeID in [try #require(ids[1]), manyID] {
                let refused = try #require(
                    try await IngressResultsTests.awaitResult(system, stream: IngressTests.rejected, requestID: largeID, field: "entry_id"))
                #expect(refused["code"] == "payload_too_large", "\(refused)")
                #expect(refused["reason"]?.contains("it was not read") == true, "\(refused)")
            }
            for envelope in [before, after] {
                let result = try #require(try await IngressResultsTests.awaitResult(system, stream: "mcp:results:large", requestID: envelope.requestID))
                #expect(result["status"] == "done", "\(result)")
            }
            #expect(await eventually { (try? await IngressTests.pending(system)) == 0 })
            #expect(try await redis.send("XLEN", IngressTests.rejected).int64 == 2)
        }
    }

    @Test func aCapturedEnvelopeReplayedWithAnotherReplyToIsRefusedAndLeaksNothing() async throws {
        try await withDeployment(gatewayArguments: ["--ingress-producers", "billing"]) { system in
            let client = system.client()
            let redis = try system.inspector()
            // Over HTTP first: the job has no results stream.
            let envelope = client.envelope(tool: "echo", args: ["message": "secret"])
            let answer = try await client.send(envelope.wireBytes())
            #expect(answer.httpStatus == 200 || answer.httpStatus == 202)
            let job = try #require(try await IngressTests.finalJob(system, requestID: envelope.requestID, client: client))
            #expect(job["status"]?.stringValue == "done")
            // The same bytes from a producer's own stream, naming its own results.
            try await IngressResultsTests.produce(system, envelope, replyTo: "billing", stream: "mcp:ingress:billing")
            let refused = try #require(try await IngressResultsTests.awaitResult(system, stream: "mcp:results:billing", requestID: envelope.requestID))
            #expect(refused["status"] == "refused" && refused["error_code"] == "replayed", "\(refused)")
            #expect(refused["result"] ?? "" == "")
            let jobID = try #require(job["job_id"]?.stringValue)
            let watchers = try await redis.send("HGET", "mcp:{0}:job:\(jobID)", "watchers").string ?? ""
            #expect(!watchers.contains("@billing"))

            // Accepted through ingress with one results stream, replayed naming another: refused as well.
            let viaIngress = client.envelope(tool: "echo", args: ["message": "mine"])
            try await IngressResultsTests.produce(system, viaIngress, replyTo: "app")
            let done = try #require(try await IngressResultsTests.awaitResult(system, stream: "mcp:results:app", requestID: viaIngress.requestID))
            #expect(done["status"] == "done")
            try await IngressResultsTests.produce(system, viaIngress, replyTo: "thief")
            let other = try #require(try await IngressResultsTests.awaitResult(system, stream: "mcp:results:thief", requestID: viaIngress.requestID))
            #expect(other["status"] == "refused" && other["error_code"] == "replayed", "\(other)")
            // The same entry again with its own results stream is still told the job (at-least-once producers).
            let last = try #require(try await redis.xrange("mcp:results:app").last?.id)
            try await IngressResultsTests.produce(system, viaIngress, replyTo: "app")
            let again = try #require(
                try await IngressResultsTests.awaitResult(system, stream: "mcp:results:app", requestID: viaIngress.requestID, after: last))
            #expect(again["status"] == "done" && again["job_id"] == done["job_id"])
        }
    }

    @Test func theSharedStreamCannotNameAProducersOwnResults() async throws {
        try await withDeployment(gatewayArguments: ["--ingress-producers", "billing"]) { system in
            let client = system.client()
            let redis = try system.inspector()
            for name in ["billing", "billing-7"] {
                let envelope = client.envelope(tool: "echo", args: ["message": "x"])
                try await IngressResultsTests.produce(system, envelope, replyTo: name)
            }
            #expect(await eventually { (try? await redis.send("XLEN", IngressTests.rejected).int64) == 2 })
            for rejection in try await redis.xrange(IngressTests.rejected) {
                #expect(rejection["code"] == "invalid_reply_to")
                #expect(rejection["reason"]?.contains("belongs to producer billing") == true, "\(rejection.fields)")
            }
            #expect(try await redis.send("KEYS", "mcp:results:*").array?.isEmpty == true)
            #expect(try await redis.send("KEYS", "mcp:{0}:req:*").array?.isEmpty == true)
        }
    }

    @Test func anEntryWithAFieldTwiceOrAnEnvelopeThatIsNotUTF8IsRefused() async throws {
        try await withDeployment { system in
            let client = system.client()
            let redis = try system.inspector()
            let first = client.envelope(tool: "echo", args: ["message": "one"])
            let second = client.envelope(tool: "echo", args: ["message": "two"])
            _ = try await redis.xadd(IngressTests.ingress, fields: [
                StreamField(name: "envelope", value: IngressTests.text(first)), StreamField(name: "envelope", value: IngressTests.text(second)),
            ])
            // A raw 0xFF byte in the envelope: POST refuses those bytes as malformed, so must ingress
            // (it used to read them as U+FFFD, so an envelope signed over that text was accepted).
            let signedOver = client.envelope(tool: "echo", args: ["message": "ZZZZ"])
            var bytes = signedOver.wireBytes()
            let at = try #require(bytes.indices.first { bytes[$0...].starts(with: Array("ZZZZ".utf8)) })
            bytes[at] = 0xFF
            _ = try await redis.send(RedisCommand(raw: [Array("XADD".utf8), Array(IngressTests.ingress.utf8), Array("*".utf8), Array("envelope".utf8), bytes]))

            #expect(await eventually { (try? await redis.send("XLEN", IngressTests.rejected).int64) == 2 })
            let codes = try await redis.xrange(IngressTests.rejected).compactMap { $0["code"] }
            #expect(codes == ["duplicate_field", "malformed"], "\(codes)")
            for request in [first.requestID, second.requestID, signedOver.requestID] {
                #expect(try await redis.send("GET", "mcp:{0}:req:client-001:\(request)").isNull)
            }
            #expect(await eventually { (try? await IngressTests.pending(system)) == 0 })
        }
    }

    @Test func readinessReportsAnIngressStreamThatCannotBeReadAndItsRecovery() async throws {
        try await withDeployment { system in
            let redis = try system.inspector()
            func ingress() async -> String? {
                guard let (status, body) = try? await HTTP.get(system.url + "/readyz"), status == 200 else { return nil }
                return (try? JSONParser.parse(Array(body.utf8)))?.objectValue?["ingress"].map { CanonicalJSON.string($0) }
            }
            #expect(await eventually { await ingress() == "\"ok\"" })
            _ = try await redis.send("DEL", IngressTests.ingress)
            _ = try await redis.send("SET", IngressTests.ingress, "junk")
            // Still ready (HTTP serves), and the stream is named with a code, never a message.
            #expect(await eventually(timeout: .seconds(20)) { await ingress() == "{\"\(IngressTests.ingress)\":\"wrong_type\"}" })
            let (status, _) = try await HTTP.get(system.url + "/readyz")
            #expect(status == 200)
            let (metrics, text) = try await HTTP.get(system.url + "/metrics")
            let gauge = text.split(separator: "\n").first { $0.hasPrefix("mcp_ingress_failing ") }
            #expect(metrics == 200 && gauge.flatMap { Double($0.split(separator: " ").last ?? "") } == 1, "\(String(describing: gauge))")
            _ = try await redis.send("DEL", IngressTests.ingress)
            #expect(await eventually(timeout: .seconds(20)) { await ingress() == "\"ok\"" })
        }
    }

    @Test func aJobKeyOfAnotherTypeIsAnsweredStoreCorruptWithoutRetryAfter() async throws {
        try await withDeployment { system in
            let client = system.client()
            let redis = try system.inspector()
            let accepted = try await client.call("echo", args: ["message": "x"])  // answered inline once done
            #expect(accepted.response.status == .ok)
            let jobID = try #require(try await redis.send("GET", "mcp:{0}:req:client-001:\(accepted.response.requestID)").string)
            _ = try await redis.send("DEL", "mcp:{0}:job:\(jobID)")
            _ = try await redis.send("SET", "mcp:{0}:job:\(jobID)", "junk")
            let poll = try await client.call("poll_job", args: ["job_id": .string(jobID)])
            #expect(poll.httpStatus == 500)
            #expect(poll.errorCode == "store_corrupt", "\(poll.response.error ?? "")")
            #expect(poll.retryAfterSeconds == nil)
            #expect(try await redis.send("GET", "mcp:{0}:job:\(jobID)").string == "junk")  // left for an operator
            // A hash whose status no release writes: a cancel cannot decide, and says why instead of "retry".
            _ = try await redis.send("DEL", "mcp:{0}:job:\(jobID)")
            _ = try await redis.send("HSET", "mcp:{0}:job:\(jobID)", "status", "bogus", "client_id", "client-001")
            let cancel = try await client.call("cancel_job", args: ["job_id": .string(jobID)])
            #expect(cancel.httpStatus == 500 && cancel.errorCode == "store_corrupt", "\(cancel.httpStatus) \(cancel.response.error ?? "")")
            #expect(cancel.retryAfterSeconds == nil)
            // Its poll says the same, never "no such job", and names the status without echoing a long one whole.
            _ = try await redis.send("HSET", "mcp:{0}:job:\(jobID)", "status", String(repeating: "b", count: 5_000))
            let bogus = try await client.call("poll_job", args: ["job_id": .string(jobID)])
            #expect(bogus.httpStatus == 500 && bogus.errorCode == "store_corrupt", "\(bogus.httpStatus) \(bogus.response.error ?? "")")
            #expect(bogus.response.error?.contains("(5000 bytes)") == true, "\(bogus.response.error ?? "")")
            #expect((bogus.response.error?.utf8.count ?? 0) < 600)
            #expect(bogus.retryAfterSeconds == nil)
            // A finished job whose result is not JSON: not "done" with no result, but store_corrupt.
            _ = try await redis.send("HSET", "mcp:{0}:job:\(jobID)", "status", "done", "result", "{not json")
            let broken = try await client.call("poll_job", args: ["job_id": .string(jobID)])
            #expect(broken.httpStatus == 500 && broken.errorCode == "store_corrupt", "\(broken.httpStatus) \(broken.response.error ?? "")")
            #expect(broken.response.error?.contains("not a JSON object") == true, "\(broken.response.error ?? "")")
            let cancelBroken = try await client.call("cancel_job", args: ["job_id": .string(jobID)])
            #expect(cancelBroken.errorCode == "store_corrupt", "a cancel reads the job as a poll does: \(cancelBroken.response.error ?? "")")
            // Done without a result, and no status at all: the same, for poll and cancel alike.
            for (field, value) in [("result", ""), ("status", "")] {
                _ = try await redis.send("DEL", "mcp:{0}:job:\(jobID)")
                _ = try await redis.send("HSET", "mcp:{0}:job:\(jobID)", "status", "done", "client_id", "client-001", field, value)
                if field == "status" { _ = try await redis.send("HDEL", "mcp:{0}:job:\(jobID)", "status") }
                for tool in ["poll_job", "cancel_job"] {
                    let reply = try await client.call(tool, args: ["job_id": .string(jobID)])
                    #expect(reply.httpStatus == 500 && reply.errorCode == "store_corrupt", "\(field) \(tool): \(reply.response.error ?? "")")
                    #expect(reply.response.error?.contains("mcp:{0}:job:\(jobID)") == true, "the whole key: \(reply.response.error ?? "")")
                }
            }
        }
    }

    @Test func aCatalogOfAnotherTypeIsStoreCorruptNotAnOutage() async throws {
        try await withDeployment { system in
            let client = system.client()
            let redis = try system.inspector()
            _ = try await redis.send("DEL", "mcp:tools")
            _ = try await redis.send("SET", "mcp:tools", "junk")
            // A tool the gateway has not cached is looked up in the catalog Redis will not read.
            let reply = try await client.call("no_such_tool", args: [:])
            #expect(reply.httpStatus == 500 && reply.errorCode == "store_corrupt", "\(reply.httpStatus) \(reply.response.error ?? "")")
            #expect(reply.response.error?.contains("mcp:tools") == true, "\(reply.response.error ?? "")")
            #expect(reply.retryAfterSeconds == nil)
            _ = try await redis.send("DEL", "mcp:tools")
        }
    }
}
