import RedisClient

/// The Lua scripts that make each step of the job lifecycle atomic. Each
/// touches only keys with the `{0}` hash tag (Redis Cluster safe).
enum BrokerScripts {
    /// Accept one verified envelope: replay guard, idempotency record, job hash
    /// and stream entry in one step, so two gateways can never both accept the
    /// same nonce or request, and a refusal leaves Redis unchanged.
    ///
    /// KEYS: nonce, request, job, stream.
    /// ARGV: nonce_ttl_ms, request_ttl_ms, job_id, envelope, tool, client_id,
    ///       request_id, now_ms, reply_to ('' for none), mode.
    /// Returns {'replayed'} | {'duplicate', job_id} | {'accepted', job_id, entry_id}.
    static let accept = RedisScript("""
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

    /// Claim a delivered job by compare-and-set on its status: only a queued
    /// job starts running, so a duplicate delivery of a running or finished job does nothing.
    ///
    /// KEYS: job. ARGV: worker, now_ms.
    /// Returns {'run', attempts} | {status} | {'missing'}.
    static let claim = RedisScript("""
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then return {'missing'} end
        if status ~= 'queued' then return {status} end
        redis.call('HSET', KEYS[1], 'status', 'running', 'worker', ARGV[1], 'started_ms', ARGV[2], 'updated_ms', ARGV[2])
        return {'run', tostring(redis.call('HINCRBY', KEYS[1], 'attempts', 1))}
        """)

    /// Record a job's final status (only by the worker that runs it), start its
    /// retention clock, and acknowledge its stream entry, in one step.
    ///
    /// KEYS: job, stream. ARGV: worker, status, result_json, error, now_ms,
    /// retention_ms, entry_id, group.
    /// Returns the status the job ended with (or its current one if this worker no longer owned it).
    static let complete = RedisScript("""
        local current = redis.call('HMGET', KEYS[1], 'status', 'worker')
        local final = ARGV[2]
        if current[1] == 'running' and current[2] == ARGV[1] then
          redis.call('HSET', KEYS[1], 'status', final, 'finished_ms', ARGV[5], 'updated_ms', ARGV[5])
          if final == 'done' then
            redis.call('HSET', KEYS[1], 'result', ARGV[3], 'progress', '1')
          else
            redis.call('HSET', KEYS[1], 'error', ARGV[4])
          end
          redis.call('PEXPIRE', KEYS[1], ARGV[6])
        else
          final = current[1] or 'missing'
        end
        redis.call('XACK', KEYS[2], ARGV[8], ARGV[7])
        return final
        """)

    /// Write progress for a running job and tell the worker whether its client asked to cancel.
    ///
    /// KEYS: job. ARGV: worker, progress, message, now_ms.
    /// Returns 1 if cancellation was requested, 0 if not, -1 if this worker no longer runs the job.
    static let progress = RedisScript("""
        local current = redis.call('HMGET', KEYS[1], 'status', 'worker', 'cancel_requested')
        if current[1] ~= 'running' or current[2] ~= ARGV[1] then return -1 end
        redis.call('HSET', KEYS[1], 'progress', ARGV[2], 'message', ARGV[3], 'updated_ms', ARGV[4])
        if current[3] == '1' then return 1 end
        return 0
        """)

    /// Cancel a job for its own client: a queued job is cancelled at once (it
    /// will never run); a running one is flagged and its worker stops it.
    ///
    /// KEYS: job. ARGV: client_id, now_ms, retention_ms, error.
    /// Returns {'unknown'} | {'cancelled'} | {'cancelling'} | {'finished', status}.
    static let cancel = RedisScript("""
        local current = redis.call('HMGET', KEYS[1], 'status', 'client_id')
        if not current[1] or current[2] ~= ARGV[1] then return {'unknown'} end
        if current[1] == 'queued' then
          redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finished_ms', ARGV[2], 'updated_ms', ARGV[2], 'error', ARGV[4])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          return {'cancelled'}
        end
        if current[1] == 'running' then
          redis.call('HSET', KEYS[1], 'cancel_requested', '1', 'updated_ms', ARGV[2])
          return {'cancelling'}
        end
        return {'finished', current[1]}
        """)
}
