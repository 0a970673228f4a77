import Logging
import RedisClient

extension Broker {
    /// Whether this Redis user may set a request record's expiry, as the functions that end a job
    /// do (``BrokerScripts/keepRequest``): `PEXPIRE` on a name no record can have (a request key
    /// with an empty client id) in partition 0. `false` only for a `NOPERM` refusal: a worker user
    /// of an ACL file from before this release.
    public func mayExpireRequestRecords() async throws(BrokerError) -> Bool {
        try await BrokerError.mapping { () async throws(RedisError) -> Bool in
            let probe = keys.request(client: "", requestID: "expiry-probe", in: 0)
            let reply = try await redis.pipeline([RedisCommand("PEXPIRE", [probe, "1"])])[0]
            if case .error(let message) = reply, message.hasPrefix("NOPERM") { return false }
            return true
        }
    }

    /// The start-up check of a worker: a request record has no expiry until its job ends, and the
    /// worker that ends it sets one; a worker whose Redis user may not (an ACL file from before
    /// this release) would leave every record for ever, so it says so, with the fix, as an error.
    /// The worker starts anyway (its jobs run; only the records' memory is at stake). Nothing is
    /// said when Redis cannot be asked.
    ///
    /// Returns `true` when the user may not, `false` when it may, `nil` when Redis could not be asked:
    /// the worker exports it as `mcp_redis_setup_problem{check="record_expiry"}` (`StartupCheck` in MCPCommandLine),
    /// so an alert sees what the start-up log said once.
    @discardableResult
    public static func checkRecordExpiry(connection: BrokerConnection, configuration: BrokerConfiguration, logger: Logger) async -> Bool? {
        let client = RedisClient(configuration: connection.redis, logger: logger)
        defer { client.close() }
        let broker = Broker(redis: client, configuration: configuration, logger: logger)
        guard let allowed = try? await broker.mayExpireRequestRecords() else { return nil }
        if allowed { return false }
        logger.error(
            "this worker's Redis user may not PEXPIRE request records: records of finished jobs would never expire; grant it (~\(configuration.prefix):{[0-9]*}:req:* +pexpire) as deploy/redis/users.acl of this release does",
            metadata: ["redis.user": "\(connection.redis.endpoint.user ?? "default")"])
        return true
    }
}
