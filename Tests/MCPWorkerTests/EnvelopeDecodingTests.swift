import Logging
import MCPBroker
import MCPTools
import MCPWire
@testable import MCPWorker
import RedisClient
import RedisTestSupport
import Testing

/// A delivered job's envelope is decoded once; what cannot be decoded ends the job with its own code.
@Suite("Delivered envelopes")
struct EnvelopeDecodingTests {
    @Test func anUndecodableEnvelopeEndsTheJobAsInvalidEnvelope() async throws {
        try await withRedis { server in
            let broker = Broker(redis: try server.client(), configuration: BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("decode")))
            try await broker.ensureWorkerGroup()
            for (index, text) in ["{not json", "[]", #"{"tool":"echo"}"#].enumerated() {
                _ = try await broker.accept(JobSubmission(
                    jobID: JobID.make(), envelopeJSON: text, tool: "echo", mode: "async",
                    clientID: "c1", requestID: "r\(index)", nonce: "n\(index)", replyTo: nil))
            }
            let jobs = try await broker.readJobs(using: BrokerReader(try server.client()), consumer: "w1", count: 10, block: .milliseconds(100))
            #expect(jobs.count == 3)
            let runner = JobRunner(
                registry: ToolRegistry([]), toolExecutor: ToolThreadPool(threads: 1), broker: broker, deadlines: JobDeadlines(), workerID: "w1",
                logger: Logger(label: "test"))
            for job in jobs {
                let decoded = JobRunner.decode(job)
                #expect(throws: (any Error).self) { try decoded.get() }
                guard case .finished(let completion) = await runner.run(job, envelope: decoded, attempts: 1, control: JobControl(jobID: job.jobID)) else {
                    Issue.record("expected a finished job")
                    continue
                }
                #expect(completion.status == .error)
                #expect(completion.error?.code == "invalid_envelope", "\(String(describing: completion.error))")
            }
        }
    }
}
