import Logging
import RedisClient

extension Broker {
    /// The channel a function that appends to partition `p`'s stream rings (``BrokerKeys/bell(_:)``):
    /// on a cluster only, where workers wait for bells (``ClusterJobFeed``); '' (ring none) on one
    /// server, whose workers block on every stream in one read.
    func bellChannel(_ p: Int) -> String {
        redis.isCluster ? keys.bell(p) : ""
    }

    /// Records the deployment's partition count in Redis on its first start
    /// (`<prefix>:config`, field `partitions`) and checks it on every later one:
    /// a process started with another count would put jobs where no one reads
    /// them, so it must not start (`partition_mismatch`, saying which count to use).
    /// `record: false` only reads (operator tools, whose Redis user may not write): a deployment
    /// that never started yet records nothing, and any count passes.
    public func checkPartitions(record: Bool = true) async throws(BrokerError) {
        let wanted = keys.partitioning.count
        let stored: String?
        do throws(BrokerError) {
            stored = try await BrokerError.mapping { () async throws(RedisError) in
                let read = RedisCommand("HGET", [keys.config, "partitions"])
                let replies = try await redis.pipeline(record ? [RedisCommand("HSETNX", [keys.config, "partitions", String(wanted)]), read] : [read])
                return try replies[replies.count - 1].orThrow().string
            }
        } catch where error.isWrongType {
            throw BrokerError(
                code: .partitionMismatch,
                message: "\(keys.config) is not a hash (\(error.message.prefix(80))), so this deployment's partition count cannot be read: "
                    + "delete it and restore it with `redis-cli HSET \(keys.config) partitions N`, N the count the deployment was created with")
        }
        if !record, stored == nil { return }
        guard let stored else {
            throw BrokerError(code: .partitionMismatch, message: "\(keys.config) records no partition count and none could be recorded")
        }
        // Redis holds what any writer put there: only a count in range is a count, and a long value is not echoed whole.
        guard let count = Int(stored), (1...Partitioning.maxCount).contains(count) else {
            throw BrokerError(
                code: .partitionMismatch,
                message: "this deployment's Redis records \(BrokerError.excerpt(stored)) as its partition count (\(keys.config) partitions), which is not a count "
                    + "from 1 to \(Partitioning.maxCount): restore it with "
                    + "`redis-cli HSET \(keys.config) partitions N`, N the count the deployment was created with")
        }
        guard count != wanted else { return }
        throw BrokerError(
            code: .partitionMismatch,
            message: "this deployment's Redis records \(count) partitions (\(keys.config) partitions) but this process was started with \(wanted): "
                + "start it with --partitions \(count) (MCP_PARTITIONS); the count never changes for a deployment (scale by moving slots)")
    }

    /// The start-up check of a process (gateway, worker, mcpctl): refuses to start on a partition
    /// mismatch; when Redis is unreachable or not Redis (``startsWithout(_:)``) it logs and lets the process start (workers check again
    /// before their first read).
    public static func checkPartitions(connection: BrokerConnection, configuration: BrokerConfiguration, logger: Logger) async throws(BrokerError) {
        let client = RedisClient(configuration: connection.redis, logger: logger)
        defer { client.close() }
        let broker = Broker(redis: client, configuration: configuration, logger: logger)
        do {
            try await broker.checkPartitions()
        } catch let error where startsWithout(error) {
            warnStartingWithout(error, endpoint: connection.redis.endpoint, later: "the partition count is checked later", logger: logger)
        }
    }
}
