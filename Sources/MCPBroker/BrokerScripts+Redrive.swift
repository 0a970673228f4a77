import RedisClient

extension BrokerScripts {
    /// Put a dead-lettered job back on the stream with fresh attempts and take
    /// it off the dead stream; the job hash is restored even if it had expired, and so is its
    /// request record (without expiry, as the accept makes it): a retry of the request then finds
    /// the redriven job. When the request id has meanwhile named another job, the record stays
    /// that job's and the redriven job gives up its `request_id` (the dead letter keeps it), so
    /// its end can never set the other job's record to expire (``keepRequest``).
    ///
    /// KEYS: dead, stream. ARGV: dead_entry_id, now_ms, job key prefix, bell ('' for none, as in ``accept``).
    /// Returns {'redriven', job_id, entry_id} | {'missing'} | {'unusable'} (an entry without a job id or envelope: any writer's junk).
    static let redrive = RedisFunctionLibrary.Source("redrive", """
        \(requestKey)
        local entries = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
        if #entries == 0 then return {'missing'} end
        local fields = {}
        local flat = entries[1][2]
        for i = 1, #flat, 2 do fields[flat[i]] = flat[i + 1] end
        if not fields['job_id'] or fields['job_id'] == '' or not fields['envelope'] then return {'unusable'} end
        redis.call('XLEN', KEYS[2])  -- a stream of another type fails here, before the job is marked queued
        local job = ARGV[3] .. fields['job_id']
        if redis.call('EXISTS', job) == 0 then
          redis.call('HSET', job, 'created_ms', ARGV[2], 'tool', fields['tool'] or '', 'client_id', fields['client_id'] or '',
            'request_id', fields['request_id'] or '')
        end
        redis.call('HDEL', job, 'finished_ms', 'started_ms', 'worker', 'result', 'cancel_requested', 'dead', 'retry_at_ms', 'envelope')
        redis.call('HSET', job, 'status', 'queued', 'attempts', '0', 'error', '', 'error_code', '', 'progress', '0', 'message', 'redriven', 'updated_ms', ARGV[2])
        redis.call('PERSIST', job)
        local owner = redis.call('HMGET', job, 'client_id', 'request_id')
        local request = requestKey(job, owner[1], owner[2])
        if request then
          local named = redis.call('GET', request)
          if not named or named == '' then
            redis.call('SET', request, fields['job_id'])
          elseif named == fields['job_id'] then
            redis.call('PERSIST', request)
          else
            redis.call('HDEL', job, 'request_id')
            redis.call('HSET', job, 'message', 'redriven; its request_id names a newer job')
          end
        end
        local id = redis.call('XADD', KEYS[2], '*', 'job_id', fields['job_id'], 'envelope', fields['envelope'], 'attempt', '1')
        redis.call('XDEL', KEYS[1], ARGV[1])
        if ARGV[4] and ARGV[4] ~= '' then redis.call('SPUBLISH', ARGV[4], '') end
        return {'redriven', fields['job_id'], id}
        """)
}
