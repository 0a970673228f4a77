import RedisClient

/// A copy of the gateway's accept step (`BrokerScripts.accept` in MCPBroker,
/// which is internal), for `redis-benchmark` to run in the `ceiling` row.
///
/// The bench checks with `SCRIPT EXISTS` that the gateway loaded a script with
/// this very SHA-1, so the copy cannot silently drift from the original.
enum AcceptScript {
    /// KEYS: nonce, request, job, stream. ARGV: nonce_ttl_ms, request_ttl_ms,
    /// job_id, envelope, tool, client_id, request_id, now_ms, reply_to, mode.
    static let script = RedisScript("""
        if redis.call('EXISTS', KEYS[1]) == 1 then return {'replayed'} end
        local existing = redis.call('GET', KEYS[2])
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
        if existing then return {'duplicate', existing} end
        redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
        redis.call('HSET', KEYS[3], 'status', 'queued', 'tool', ARGV[5], 'client_id', ARGV[6],
          'request_id', ARGV[7], 'created_ms', ARGV[8], 'updated_ms', ARGV[8], 'attempts', '0',
          'progress', '0', 'message', '', 'mode', ARGV[10])
        local id
        if ARGV[9] ~= '' then
          id = redis.call('XADD', KEYS[4], '*', 'job_id', ARGV[3], 'envelope', ARGV[4], 'attempt', '1', 'reply_to', ARGV[9])
        else
          id = redis.call('XADD', KEYS[4], '*', 'job_id', ARGV[3], 'envelope', ARGV[4], 'attempt', '1')
        end
        return {'accepted', ARGV[3], id}
        """)
}
