import Foundation
import MCPClient
import MCPWire
import RedisTestSupport
import Testing

/// `--log-format json`: one JSON object per line with `ts`, `level` and `msg`,
/// the ids of the request or job an event concerns, and never a secret.
@Suite("Structured logs", .serialized)
struct StructuredLogTests {
    static let jsonDebug = ["--log-format", "json", "--log-level", "debug"]

    @Test("every line is a JSON event with ids, and no secret appears")
    func jsonLogsAreOneEventPerLineWithoutSecrets() async throws {
        try await withDeployment(gatewayArguments: Self.jsonDebug, workerArguments: Self.jsonDebug) { deployment in
            let client = deployment.client()
            #expect(try await client.call("batch_sum", args: ["numbers": [1, 2]], requestID: "req-sum").response.status == .ok)
            #expect(try await client.call("batch_sum", args: ["numbers": ["one"]], requestID: "req-invalid").errorCode == "invalid_args")
            var forged = client.envelope(tool: "batch_sum", args: ["numbers": [1]], requestID: "req-forged").json().objectValue!
            forged.set("signature", .string(String(repeating: "0", count: 64)))
            #expect(try await client.send(CanonicalJSON.bytes(.object(forged))).errorCode == "bad_signature")
            let stranger = MCPStreamsClient(
                gatewayURL: deployment.url,
                credentials: ClientCredentials(clientID: "client-001", secret: Array("not-the-secret".utf8), serverID: Deployment.serverID))
            #expect(try await stranger.call("echo", args: ["message": "hi"], requestID: "req-wrong-key").errorCode == "bad_signature")
            let accepted = try await client.call("noop", requestID: "req-async")
            let jobID = try #require(accepted.jobID)
            #expect(try await deployment.waitForFinal(jobID).response.result?["status"]?.stringValue == "done")

            let gatewayLog = deployment.gateways[0].process.log
            let workerLog = deployment.workers[0].log
            let gatewayEvents = try Self.events(gatewayLog, process: "gateway")
            let workerEvents = try Self.events(workerLog, process: "worker")
            #expect(gatewayEvents.contains { $0["msg"] == "mcp-gateway listening" })
            #expect(workerEvents.contains { $0["msg"] == "mcp-worker starting" && $0["worker.id"] != nil })

            for requestID in ["req-invalid", "req-forged", "req-wrong-key"] {
                #expect(gatewayEvents.contains { $0["msg"] == "request refused" && $0["request.id"] == requestID && $0["error.code"] != nil },
                        "no refusal event for \(requestID)")
            }
            #expect(gatewayEvents.contains {
                $0["msg"] == "job accepted" && $0["request.id"] == "req-async" && $0["job.id"] == jobID && $0["tool.name"] == "noop"
            })
            #expect(workerEvents.contains { $0["msg"] == "job done" && $0["job.id"] == jobID && $0["tool.name"] == "noop" })

            var secrets = [String(decoding: Deployment.serverSecret, as: UTF8.self), Deployment.hex(Deployment.serverSecret)]
            for secret in Deployment.clients.values { secrets += [String(decoding: secret, as: UTF8.self), Deployment.hex(secret)] }
            for secret in secrets {
                #expect(!gatewayLog.contains(secret), "the gateway logged a secret")
                #expect(!workerLog.contains(secret), "the worker logged a secret")
            }
        }
    }

    /// Parses every line as a JSON object of strings with `ts`, `level` and `msg`.
    static func events(_ log: String, process: String) throws -> [[String: String]] {
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false).dropLast()  // the log ends with a newline
        #expect(!lines.isEmpty, "the \(process) logged nothing")
        return try lines.map { line in
            let value = try JSONParser.parse(String(line))
            let object = try #require(value.objectValue, "\(process) line is not an object: \(line)")
            var event = [String: String]()
            for key in object.keys { event[key] = object[key]?.stringValue }
            for key in ["ts", "level", "msg"] {
                #expect(event[key]?.isEmpty == false, "\(process) line without \(key): \(line)")
            }
            return event
        }
    }
}
