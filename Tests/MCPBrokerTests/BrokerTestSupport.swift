import Logging
import MCPBroker
import RedisClient
import RedisTestSupport

/// A broker on a throwaway Redis with a key prefix of its own.
func withBroker<T>(_ body: (Broker, RedisClient) async throws -> T) async throws -> T {
    try await withRedis { server in
        let redis = try server.client()
        let broker = Broker(redis: redis, configuration: BrokerConfiguration(prefix: RedisTestServer.uniquePrefix("broker")))
        try await broker.ensureWorkerGroup()
        return try await body(broker, redis)
    }
}

func submission(
    jobID: String = JobID.make(), client: String = "client-001", requestID: String = JobID.make(), nonce: String = JobID.make(), tool: String = "echo",
    replyTo: String? = nil, fingerprint: String = ""
) -> JobSubmission {
    JobSubmission(
        jobID: jobID, envelopeJSON: "{\"tool\":\"\(tool)\"}", tool: tool, mode: "sync", clientID: client,
        requestID: requestID, nonce: nonce, replyTo: replyTo, fingerprint: fingerprint)
}

/// Every key under the broker's prefix, with each stream's length, to prove a step changed nothing.
func snapshot(_ broker: Broker, _ redis: RedisClient) async throws -> [String] {
    let keys = (try await redis.send("KEYS", "\(broker.keys.prefix):*").array ?? []).compactMap(\.string).sorted()
    let length = try await redis.send("XLEN", broker.keys.stream(0)).int64 ?? 0
    return keys + ["stream=\(length)"]
}
