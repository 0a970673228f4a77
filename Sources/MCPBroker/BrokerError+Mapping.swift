import RedisClient

extension BrokerError {
    /// Runs Redis work and turns its error into a ``BrokerError``: the one
    /// place where the public broker API maps what the Redis client throws.
    static func mapping<Result>(_ body: () async throws(RedisError) -> Result) async throws(BrokerError) -> Result {
        do {
            return try await body()
        } catch {
            throw BrokerError(error)
        }
    }
}
