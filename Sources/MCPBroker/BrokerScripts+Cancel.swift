import RedisClient

extension BrokerScripts {
    /// Cancel a job for its own client: a queued job is cancelled at once (it
    /// will never run); a running one is flagged and its worker stops it.
    ///
    /// KEYS: job, delayed. ARGV: client_id, now_ms, retention_ms, error, job_id, error_code.
    /// Returns {'unknown'} | {'cancelled', watchers, request_id} | {'cancelling'} | {'finished', status}.
    static let cancel = RedisFunctionLibrary.Source("cancel", """
        \(requestKey)
        local current = redis.call('HMGET', KEYS[1], 'status', 'client_id')
        if not current[1] or current[2] ~= ARGV[1] then return {'unknown'} end
        if current[1] == 'queued' then
          redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finished_ms', ARGV[2], 'updated_ms', ARGV[2], 'error', ARGV[4], 'error_code', ARGV[6])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          redis.call('ZREM', KEYS[2], ARGV[5])
          local about = redis.call('HMGET', KEYS[1], 'watchers', 'request_id')
          -- The request record lives as long as the job (the gateway's user may SET it, not PEXPIRE it),
          -- if it still names this job: never another's.
          local record = requestKey(KEYS[1], ARGV[1], about[2])
          if record and redis.pcall('GET', record) == ARGV[5] then redis.pcall('SET', record, ARGV[5], 'PX', ARGV[3], 'XX') end
          return {'cancelled', about[1] or '', about[2] or ''}
        end
        if current[1] == 'running' then
          redis.call('HSET', KEYS[1], 'cancel_requested', '1', 'updated_ms', ARGV[2])
          return {'cancelling'}
        end
        return {'finished', current[1]}
        """)
}
