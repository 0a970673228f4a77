import Foundation
import MCPClient
import MCPWire
import RedisTestSupport
import Testing

/// `/metrics` on the gateway and on a worker (`--metrics-listen`): after a
/// known set of requests and jobs, every counter says exactly what happened.
@Suite("Metrics", .serialized)
struct MetricsTests {
    static let workerArguments = ["--enable-test-tools", "--metrics-listen", "127.0.0.1:0"]

    @Test("gateway and worker counters match the requests and jobs sent")
    func countersMatchTraffic() async throws {
        try await withDeployment(workerArguments: Self.workerArguments) { deployment in
            let client = deployment.client()
            let workerMetrics = try await Self.metricsURL(of: deployment.workers[0])

            let sum = try await client.call("batch_sum", args: ["numbers": [1, 2]])
            #expect(sum.response.status == .ok)
            let invalid = try await client.call("batch_sum", args: ["numbers": ["one"]])
            #expect(invalid.errorCode == "invalid_args")
            let forged = VerificationTests.signed(client, edit: { $0.set("signature", .string(String(repeating: "0", count: 64))) }, resign: false)
            let (status, _, _) = try await HTTP.post(deployment.url + "/v1/envelopes", body: forged)
            #expect(status == 401)

            var jobs = [String: String]()  // job id → the final status its hash must reach
            for (args, final) in [
                (JSONObject([]), "done"),
                (["fail_attempts": 5, "terminal": true], "error"),
                (["fail_attempts": 5], "error"),  // retried twice, then dead-lettered
            ] as [(JSONObject, String)] {
                let reply = try await client.call("simulate", args: args)
                jobs[try #require(reply.jobID)] = final
            }
            // Watch the job hashes in Redis, not through the gateway: polls would add to its counters.
            for (jobID, final) in jobs {
                let hash = try await Self.waitForFinal(jobID, in: deployment)
                #expect(hash["status"] == final, "\(hash)")
            }

            // Counters may be bumped just after the reply or the hash write: wait until they have all settled.
            let gateway = try await PrometheusText.scrape(deployment.url + "/metrics") {
                $0.value("mcp_backlog") == 0 && $0.value("mcp_request_duration_seconds_count") == 6
            }
            #expect(gateway.value("mcp_requests_total", ["code": "ok"]) == 1)
            #expect(gateway.value("mcp_requests_total", ["code": "accepted"]) == 3)
            #expect(gateway.value("mcp_requests_total", ["code": "invalid_args"]) == 1)
            #expect(gateway.value("mcp_requests_total", ["code": "bad_signature"]) == 1)
            #expect(gateway.value("mcp_verification_failures_total", ["reason": "invalid_args"]) == 1)
            #expect(gateway.value("mcp_verification_failures_total", ["reason": "bad_signature"]) == 1)
            #expect(gateway.samples.filter { $0.name == "mcp_verification_failures_total" }.count == 2)
            #expect(gateway.hasHistogram("mcp_request_duration_seconds"))
            #expect(gateway.value("mcp_request_duration_seconds_count") == 6)
            #expect(gateway.value("mcp_request_duration_seconds_bucket", ["le": "+Inf"]) == 6)
            #expect(gateway.value("mcp_backlog") == 0)

            let worker = try await PrometheusText.scrape(workerMetrics) {
                $0.value("mcp_jobs_total", ["status": "dead_letter", "tool": "simulate"]) == 1 && $0.value("mcp_jobs_in_flight") == 0
                    && $0.value("mcp_job_queue_wait_seconds_count") == 6
                    && $0.value("mcp_job_run_duration_seconds_count", ["tool": "simulate"]) == 5
                    && $0.value("mcp_jobs_total", ["status": "done", "tool": "batch_sum"]) == 1
                    && $0.value("mcp_jobs_total", ["status": "done", "tool": "simulate"]) == 1
                    && $0.value("mcp_jobs_total", ["status": "error", "tool": "simulate"]) == 1
            }
            #expect(worker.value("mcp_jobs_total", ["status": "done", "tool": "batch_sum"]) == 1)
            #expect(worker.value("mcp_jobs_total", ["status": "done", "tool": "simulate"]) == 1)
            #expect(worker.value("mcp_jobs_total", ["status": "error", "tool": "simulate"]) == 1)
            #expect(worker.value("mcp_jobs_total", ["status": "dead_letter", "tool": "simulate"]) == 1)
            #expect(worker.samples.filter { $0.name == "mcp_jobs_total" }.count == 4)
            #expect(worker.value("mcp_dead_letters_total", ["reason": "attempts"]) == 1)
            #expect(worker.value("mcp_retries_total") == 2)
            #expect(worker.value("mcp_reclaims_total") == 0)
            #expect(worker.value("mcp_jobs_in_flight") == 0)
            // One claim per run: batch_sum, two single-run simulates, three attempts of the dead-lettered one.
            #expect(worker.hasHistogram("mcp_job_queue_wait_seconds"))
            #expect(worker.value("mcp_job_queue_wait_seconds_count") == 6)
            #expect(worker.hasHistogram("mcp_job_run_duration_seconds", ["tool": "simulate"]))
            #expect(worker.value("mcp_job_run_duration_seconds_count", ["tool": "simulate"]) == 5)
            #expect(worker.value("mcp_job_run_duration_seconds_count", ["tool": "batch_sum"]) == 1)
        }
    }

    @Test("a worker without --metrics-listen serves nothing, and a bad address is refused at start")
    func metricsListenIsOptional() async throws {
        try await withDeployment { deployment in
            let plain = deployment.workers[0]
            let refused = try await deployment.startWorker(extraArguments: ["--metrics-listen", "nowhere"])
            #expect(await refused.waitForExit(timeout: .seconds(10)))
            #expect(refused.exitStatus != 0)
            #expect(refused.log.contains("--metrics-listen address \"nowhere\" must be host:port"))
            try await Task.sleep(for: .milliseconds(500))
            #expect(plain.isRunning)
            #expect(!plain.log.contains("metrics listening"))
        }
    }

    /// The worker's `/metrics` URL, from its `metrics listening` log line.
    static func metricsURL(of worker: ChildProcess) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let line = worker.log.split(separator: "\n").first(where: { $0.contains("mcp-worker metrics listening") }),
               let range = line.range(of: #"127\.0\.0\.1:\d+"#, options: .regularExpression) {
                return "http://\(line[range])/metrics"
            }
            guard worker.isRunning else { throw DeploymentError("mcp-worker exited at start:\n\(worker.log)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DeploymentError("mcp-worker never logged its metrics address:\n\(worker.log)")
    }

    /// The job hash once its status is final (or after 60 s: room for a loaded machine).
    static func waitForFinal(_ jobID: String, in deployment: Deployment) async throws -> [String: String] {
        let deadline = ContinuousClock.now + .seconds(60)
        var hash = try await deployment.jobHash(jobID)
        while ContinuousClock.now < deadline, !["done", "error", "cancelled"].contains(hash["status"] ?? "") {
            try await Task.sleep(for: .milliseconds(50))
            hash = try await deployment.jobHash(jobID)
        }
        return hash
    }
}
