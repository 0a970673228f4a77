import RedisClient

/// The Lua code that makes each step of the job lifecycle atomic. Each
/// function touches only keys with the `{0}` hash tag (Redis Cluster safe).
/// Together they are one Redis function library (``BrokerFunctions/library``),
/// loaded once by `mcpctl redis setup` and run with FCALL.
///
/// A job's stream entry is deleted as soon as it is acknowledged (XACK, then
/// XDEL, in the same function): the job stream holds only jobs that have not
/// ended, so its memory follows the backlog rather than the rate of jobs (the
/// workers' periodic trim is only a backstop). The `workers` group is the
/// stream's only reader.
enum BrokerScripts {
    /// Lua shared by the functions that set a job's expiry: `keepRequest(jobKey, client, rid, ms)` sets
    /// the job's request record (its key made from the job key's prefix) to expire with it, so the record
    /// lives as long as the job: the accept gives it no expiry. pcall: a worker user of an ACL file from
    /// before may not `PEXPIRE` it; the worker says so at start (``Broker/checkRecordExpiry``).
    static let keepRequest = """
        \(requestKey)
        local function keepRequest(jobKey, client, rid, ms)
          local record = requestKey(jobKey, client, rid)
          if record then redis.pcall('PEXPIRE', record, ms) end
        end
        """

    /// Lua shared by the functions that reach a job's request record: `requestKey(jobKey, client, rid)`
    /// is the record's key, made from the job key's prefix (so it is in the job's slot), or nil
    /// when the job names no client or request id.
    static let requestKey = """
        local function requestKey(jobKey, client, rid)
          local base = string.match(jobKey, '^(.*):job:[^:]*$')
          if base and client and rid and client ~= '' and rid ~= '' then return base .. ':req:' .. client .. ':' .. rid end
          return nil
        end
        """

    /// Accept one verified envelope: replay guard, idempotency record, job hash
    /// and stream entry in one step, so two gateways can never both accept the
    /// same nonce or request, and a refusal leaves Redis unchanged.
    ///
    /// The request record has no expiry while its job has none (queued or running, however long): the
    /// functions that end the job give both the retention (`keepRequest`), so a retry finds its job for
    /// as long as the job exists.
    ///
    /// KEYS: nonce, request, job, stream.
    /// ARGV: nonce_ttl_ms, job_id, envelope, tool, client_id,
    ///       request_id, now_ms, reply_to ('' for none), mode, watchers ('' for none:
    ///       a producer's results stream as `@name`, told however the job ends), bell (a channel
    ///       of the stream's partition to `SPUBLISH` to, DESIGN §10; '' or absent for none),
    ///       fingerprint (what the call asks, `Envelope.callFingerprint`; '' or absent for none).
    /// Returns {'replayed'} | {'duplicate', job_id} | {'reused', job_id} | {'accepted', job_id, entry_id},
    /// or the stream's error reply (a key of another type) with nothing written. `reused`: the request
    /// id's job was made by a call with another fingerprint; only the nonce is spent, so the refused
    /// envelope can never run later (after the request record has expired).
    /// The existing job's hash is read by the name of this call's (same prefix and partition, its id
    /// swapped), so it is in the same slot; a job recorded without a fingerprint matches any call. A
    /// record whose job no longer exists is taken over by this call, as an expired one would be.
    static let accept = RedisFunctionLibrary.Source("accept", """
        -- An empty nonce or request record is one a refused accept took back (below) and that has
        -- not expired yet: as good as absent, so a retry within that millisecond is not a replay.
        if not redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then
          if redis.call('GET', KEYS[1]) ~= '' then return {'replayed'} end
          redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
        end
        local existing = redis.call('SET', KEYS[2], ARGV[2], 'NX', 'GET')
        if existing == '' then
          redis.call('SET', KEYS[2], ARGV[2])
          existing = false
        end
        local fingerprint = ARGV[12] or ''
        if existing then
          local jobKey = string.sub(KEYS[3], 1, #KEYS[3] - #ARGV[2]) .. existing
          local about = redis.pcall('HMGET', jobKey, 'status', 'fingerprint')
          local readable = type(about) == 'table' and about.err == nil  -- a job key of another type: the record stands
          if readable and not about[1] then
            -- A record whose job is gone (it outlived its job: an ACL user that may not expire it, or a
            -- hash deleted by hand) names nothing: the request id is free again, as after the retention.
            redis.call('SET', KEYS[2], ARGV[2])
            existing = false
          elseif readable and fingerprint ~= '' and about[2] and about[2] ~= '' and about[2] ~= fingerprint then
            return {'reused', existing}
          end
        end
        if existing then return {'duplicate', existing} end
        local fields = {'status', 'queued', 'tool', ARGV[4], 'client_id', ARGV[5],
          'request_id', ARGV[6], 'created_ms', ARGV[7], 'updated_ms', ARGV[7], 'attempts', '0',
          'progress', '0', 'message', '', 'mode', ARGV[9]}
        if ARGV[10] and ARGV[10] ~= '' then
          fields[#fields + 1] = 'watchers'
          fields[#fields + 1] = ARGV[10]
        end
        if fingerprint ~= '' then
          fields[#fields + 1] = 'fingerprint'
          fields[#fields + 1] = fingerprint
        end
        redis.call('HSET', KEYS[3], unpack(fields))
        local ok, id
        if ARGV[8] ~= '' then
          ok, id = pcall(redis.call, 'XADD', KEYS[4], '*', 'job_id', ARGV[2], 'envelope', ARGV[3], 'attempt', '1', 'reply_to', ARGV[8])
        else
          ok, id = pcall(redis.call, 'XADD', KEYS[4], '*', 'job_id', ARGV[2], 'envelope', ARGV[3], 'attempt', '1')
        end
        if not ok then
          -- The stream refused the entry (a key of another type): take back what this call wrote, so the
          -- refusal leaves no job that never runs and a retry after the repair is accepted. An expiry of
          -- 1 ms is a delete made of commands the gateway's ACL user already has (SET, PEXPIRE).
          redis.call('SET', KEYS[1], '', 'PX', 1)
          redis.call('SET', KEYS[2], '', 'PX', 1)
          redis.call('PEXPIRE', KEYS[3], 1)
          local reason = type(id) == 'table' and id.err or tostring(id)
          return redis.error_reply(reason .. ' (the job stream ' .. KEYS[4] .. ')')
        end
        if ARGV[11] and ARGV[11] ~= '' then redis.call('SPUBLISH', ARGV[11], '') end
        return {'accepted', ARGV[2], id}
        """)

    /// Claim a delivered job by compare-and-set on its status: only a queued
    /// job starts running (or, for an entry reclaimed from a dead worker, a job
    /// that worker left running), so a duplicate delivery of a running or
    /// finished job does nothing. A job whose attempts are used up is not started.
    ///
    /// KEYS: job. ARGV: worker, now_ms, max_attempts, takeover ('1' for reclaimed entries).
    /// Returns {'run', attempts} | {'exhausted', attempts} | {status} | {'missing'}.
    static let claim = RedisFunctionLibrary.Source("claim", """
        local current = redis.call('HMGET', KEYS[1], 'status', 'attempts')
        local status = current[1]
        if not status then return {'missing'} end
        if status == 'queued' or (status == 'running' and ARGV[4] == '1') then
          local attempts = tonumber(current[2] or '0') or 0
          if attempts >= tonumber(ARGV[3]) then return {'exhausted', tostring(attempts)} end
          attempts = attempts + 1
          redis.call('HSET', KEYS[1], 'status', 'running', 'worker', ARGV[1], 'started_ms', ARGV[2], 'updated_ms', ARGV[2],
            'attempts', tostring(attempts))
          return {'run', tostring(attempts)}
        end
        return {status}
        """)

    /// Record a job's final status (only by the worker that runs it), start its
    /// retention clock, acknowledge its stream entry and, when a notice stream is given,
    /// append the job's notice to that watcher's stream (its `reply_to`), in one step. An
    /// entry another worker has taken over is left alone: it is that worker's delivery now.
    /// `completions` counts every run that reached the end, so a job executed
    /// to completion twice (a worker hung past its lease, then finished) shows it; the
    /// same completion sent again (its first reply was lost, the first call ran) counts
    /// nothing and notifies nobody again: it carries the same `now_ms`, which the job kept.
    /// The notice is appended only by the call that records the status, so a watcher is
    /// told once, and never the outcome of a run that lost the job. Its stream is an argument,
    /// not a key: one server only (on a cluster it lives in another slot, and the notice
    /// follows the reply), and the `XADD` inside is checked against the caller's own rights on
    /// reply and results streams, so an ACL file whose `+fcall` selector names only the
    /// jobs' keys keeps working.
    ///
    /// KEYS: job, stream. ARGV: worker, status, result_json, error (`code: message`),
    /// now_ms (the run's end, the same for a retried call), retention_ms, entry_id, group, error_code
    /// [, notice stream, its TTL in ms, '1' when its expiry is due (else it is set only if the stream has
    /// none, `PEXPIRE … NX`: one made anew after a FLUSHALL or a restart), then the notice's XADD words
    /// after the key].
    /// Returns {status the job ended with (or its current one if this worker no
    /// longer owned it), its watchers (comma-separated gateway ids and `@` results
    /// streams), request_id, client_id, '1' when this call recorded the status else '0'}.
    static let complete = RedisFunctionLibrary.Source("complete", """
        \(keepRequest)
        local current = redis.call('HMGET', KEYS[1], 'status', 'worker', 'completions', 'watchers', 'request_id', 'client_id', 'finished_ms')
        local final = ARGV[2]
        local completions = tostring((tonumber(current[3] or '0') or 0) + 1)
        local recorded = '0'
        if current[1] == 'running' and current[2] == ARGV[1] then
          if final == 'done' then
            redis.call('HSET', KEYS[1], 'status', final, 'finished_ms', ARGV[5], 'updated_ms', ARGV[5], 'completions', completions,
              'result', ARGV[3], 'progress', '1')
          else
            redis.call('HSET', KEYS[1], 'status', final, 'finished_ms', ARGV[5], 'updated_ms', ARGV[5], 'completions', completions,
              'error', ARGV[4], 'error_code', ARGV[9])
          end
          redis.call('PEXPIRE', KEYS[1], ARGV[6])
          keepRequest(KEYS[1], current[6], current[5], ARGV[6])
          recorded = '1'
          if ARGV[10] then
            redis.call('XADD', ARGV[10], unpack(ARGV, 13))
            if ARGV[12] == '1' then redis.call('PEXPIRE', ARGV[10], ARGV[11]) else redis.call('PEXPIRE', ARGV[10], ARGV[11], 'NX') end
          end
        elseif current[1] == 'running' then
          redis.call('HSET', KEYS[1], 'completions', completions)
          return {'running', '', '', '', '0'}
        else
          local again = current[1] == final and current[2] == ARGV[1] and current[7] == ARGV[5]
          if current[1] and not again then redis.call('HSET', KEYS[1], 'completions', completions) end
          final = current[1] or 'missing'
        end
        redis.call('XACK', KEYS[2], ARGV[8], ARGV[7])
        redis.call('XDEL', KEYS[2], ARGV[7])
        return {final, current[4] or '', current[5] or '', current[6] or '', recorded}
        """)

    /// Claim and complete in one step, for a job whose tool already ran without a
    /// claim (a tool that runs inline: bounded, short and free of side effects, see
    /// `Tool.runsInline`). Only a queued job takes the outcome: one that was
    /// cancelled, finished or taken over meanwhile keeps its status, so a second
    /// delivery changes nothing even though the tool ran again. A job whose attempts
    /// are used up is left for a dead letter. The notice, as in ``complete``, is
    /// appended only by the call that records the status.
    ///
    /// KEYS: job, stream. ARGV: worker, status, result_json, error (`code: message`),
    /// now_ms, retention_ms, entry_id, group, error_code, max_attempts, started_ms[, notice stream,
    /// its TTL in ms, '1' when its expiry is due, then the notice's XADD words after the key].
    /// Returns what ``complete`` returns, or {'exhausted', attempts}.
    static let settle = RedisFunctionLibrary.Source("settle", """
        \(keepRequest)
        local current = redis.call('HMGET', KEYS[1], 'status', 'attempts', 'completions', 'watchers', 'request_id', 'client_id')
        local final = ARGV[2]
        local recorded = '0'
        if current[1] == 'queued' then
          local attempts = tonumber(current[2] or '0') or 0
          if attempts >= (tonumber(ARGV[10]) or 0) then return {'exhausted', tostring(attempts)} end
          local completions = tostring((tonumber(current[3] or '0') or 0) + 1)
          if final == 'done' then
            redis.call('HSET', KEYS[1], 'status', final, 'worker', ARGV[1], 'attempts', tostring(attempts + 1), 'started_ms', ARGV[11],
              'finished_ms', ARGV[5], 'updated_ms', ARGV[5], 'completions', completions, 'result', ARGV[3], 'progress', '1')
          else
            redis.call('HSET', KEYS[1], 'status', final, 'worker', ARGV[1], 'attempts', tostring(attempts + 1), 'started_ms', ARGV[11],
              'finished_ms', ARGV[5], 'updated_ms', ARGV[5], 'completions', completions, 'error', ARGV[4], 'error_code', ARGV[9])
          end
          redis.call('PEXPIRE', KEYS[1], ARGV[6])
          keepRequest(KEYS[1], current[6], current[5], ARGV[6])
          recorded = '1'
          if ARGV[12] then
            redis.call('XADD', ARGV[12], unpack(ARGV, 15))
            if ARGV[14] == '1' then redis.call('PEXPIRE', ARGV[12], ARGV[13]) else redis.call('PEXPIRE', ARGV[12], ARGV[13], 'NX') end
          end
        elseif current[1] == 'running' then
          return {'running', '', '', '', '0'}
        else
          final = current[1] or 'missing'
        end
        redis.call('XACK', KEYS[2], ARGV[8], ARGV[7])
        redis.call('XDEL', KEYS[2], ARGV[7])
        return {final, current[4] or '', current[5] or '', current[6] or '', recorded}
        """)

    /// Ask to be told when a job ends: adds a gateway to the job's `watchers`
    /// (the worker that finishes the job notifies each on its reply stream).
    /// Atomic with completion, so a job that ends meanwhile is reported as final here.
    ///
    /// KEYS: job. ARGV: gateway id.
    /// Returns the job's status ('missing' if none).
    static let watch = RedisFunctionLibrary.Source("watch", """
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then return 'missing' end
        if status == 'done' or status == 'error' or status == 'cancelled' then return status end
        local watchers = redis.call('HGET', KEYS[1], 'watchers')
        if not watchers or watchers == '' then
          watchers = ARGV[1]
        elseif not string.find(',' .. watchers .. ',', ',' .. ARGV[1] .. ',', 1, true) then
          watchers = watchers .. ',' .. ARGV[1]
        end
        redis.call('HSET', KEYS[1], 'watchers', watchers)
        return status
        """)

    /// Put a job that failed retryably back in the queue after a backoff: its
    /// hash says `queued` (with the last error and when it will run again), the
    /// delayed set holds it until then, and this delivery is acknowledged.
    ///
    /// KEYS: job, stream, delayed. ARGV: worker, error, now_ms, due_ms, entry_id, group, envelope, job_id, error_code.
    /// Returns 'retrying' or, if this worker no longer owned the job, its status.
    static let retry = RedisFunctionLibrary.Source("retry", """
        local current = redis.call('HMGET', KEYS[1], 'status', 'worker')
        if current[1] == 'running' and current[2] ~= ARGV[1] then return 'running' end
        if current[1] ~= 'running' then
          redis.call('XACK', KEYS[2], ARGV[6], ARGV[5])
          redis.call('XDEL', KEYS[2], ARGV[5])
          return current[1] or 'missing'
        end
        -- A stream or delayed set of another type fails here, before anything is written: a retry queued
        -- and then left unacknowledged would run twice (from the delayed set and from the lease's reclaim).
        redis.call('XLEN', KEYS[2])
        redis.call('ZRANGE', KEYS[3], 0, 0)
        redis.call('HSET', KEYS[1], 'status', 'queued', 'error', ARGV[2], 'error_code', ARGV[9], 'updated_ms', ARGV[3],
          'retry_at_ms', ARGV[4], 'envelope', ARGV[7], 'message', 'waiting to retry')
        redis.call('ZADD', KEYS[3], ARGV[4], ARGV[8])
        redis.call('XACK', KEYS[2], ARGV[6], ARGV[5])
        redis.call('XDEL', KEYS[2], ARGV[5])
        return 'retrying'
        """)

    /// Move due retries from the delayed set back onto the stream. ZREM decides
    /// who re-publishes, so each retry is published once however many workers
    /// run this at the same moment; a job cancelled while it waited is dropped.
    ///
    /// KEYS: delayed, stream. ARGV: now_ms, limit, job key prefix (`mcp:{0}:job:`), bell
    /// (the partition's channel to `SPUBLISH` to when any job was re-published; '' for none).
    /// Returns {how many jobs were re-published, when the next retry is due (its score as
    /// Redis prints it, '-1' for none), that retry's job id ('' for none)}.
    static let promote = RedisFunctionLibrary.Source("promote", """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        -- A stream of another type fails here, before any retry leaves the delayed set for a stream that refuses it.
        if #due > 0 then redis.call('XLEN', KEYS[2]) end
        local published = 0
        for _, jobID in ipairs(due) do
          if redis.call('ZREM', KEYS[1], jobID) == 1 then
            local job = ARGV[3] .. jobID
            local current = redis.call('HMGET', job, 'status', 'envelope', 'attempts')
            if current[1] == 'queued' and current[2] then
              redis.call('XADD', KEYS[2], '*', 'job_id', jobID, 'envelope', current[2], 'attempt', tostring(tonumber(current[3] or '0') + 1))
              redis.call('HDEL', job, 'envelope', 'retry_at_ms')
              redis.call('HSET', job, 'message', '', 'updated_ms', ARGV[1])
              published = published + 1
            end
          end
        end
        if published > 0 and ARGV[4] and ARGV[4] ~= '' then redis.call('SPUBLISH', ARGV[4], '') end
        local nextDue = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return {published, nextDue[2] or '-1', nextDue[1] or ''}
        """)

    /// Dead-letter a job: copy it with its last error to the capped dead stream,
    /// mark its hash `error` with `dead: 1`, and acknowledge the delivery.
    /// With `expected_worker` set, only while that worker still runs the job.
    ///
    /// KEYS: job, stream, dead. ARGV: entry_id, group, error, now_ms, retention_ms,
    /// envelope, dead_max_length, job_id, deliveries, expected_worker ('' for any), error_code.
    /// A job key that is not a hash (a poison value) is dead-lettered as a missing job,
    /// the key left as it is, so its entry cannot block the stream forever.
    /// Returns 'dead', or the job's status when it had already finished or moved on.
    static let deadLetter = RedisFunctionLibrary.Source("deadLetter", """
        \(keepRequest)
        local current = redis.pcall('HMGET', KEYS[1], 'status', 'attempts', 'tool', 'client_id', 'request_id', 'worker')
        local poisoned = type(current) == 'table' and current.err ~= nil
        if poisoned then current = {} end
        if current[1] == 'done' or current[1] == 'error' or current[1] == 'cancelled' then
          redis.call('XACK', KEYS[2], ARGV[2], ARGV[1])
          redis.call('XDEL', KEYS[2], ARGV[1])
          return current[1]
        end
        if ARGV[10] ~= '' and (current[1] ~= 'running' or current[6] ~= ARGV[10]) then return current[1] or 'missing' end
        redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'job_id', ARGV[8], 'envelope', ARGV[6],
          'error', ARGV[3], 'error_code', ARGV[11], 'attempts', current[2] or '0', 'deliveries', ARGV[9], 'tool', current[3] or '',
          'client_id', current[4] or '', 'request_id', current[5] or '', 'dead_ms', ARGV[4])
        if current[1] and not poisoned then
          redis.call('HSET', KEYS[1], 'status', 'error', 'error', ARGV[3], 'error_code', ARGV[11], 'dead', '1', 'finished_ms', ARGV[4], 'updated_ms', ARGV[4])
          redis.call('PEXPIRE', KEYS[1], ARGV[5])
          keepRequest(KEYS[1], current[4], current[5], ARGV[5])
        end
        redis.call('XACK', KEYS[2], ARGV[2], ARGV[1])
        redis.call('XDEL', KEYS[2], ARGV[1])
        return 'dead'
        """)

    /// Renew the leases of running jobs: reset the idle time of each stream
    /// entry this worker still runs (XCLAIM … JUSTID), so no live job is reclaimed.
    /// An entry whose job another worker has taken over is left alone.
    ///
    /// KEYS: stream, then one job key per entry. ARGV: group, worker, then the entry ids.
    /// Returns how many leases were renewed.
    static let renew = RedisFunctionLibrary.Source("renew", """
        local renewed = 0
        for i = 2, #KEYS do
          local current = redis.call('HMGET', KEYS[i], 'status', 'worker')
          if current[1] == 'running' and current[2] == ARGV[2] then
            redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i + 1], 'JUSTID')
            renewed = renewed + 1
          end
        end
        return renewed
        """)

    /// Write progress for a running job and tell the worker whether its client asked to cancel.
    ///
    /// KEYS: job. ARGV: worker, progress, message, now_ms.
    /// Returns 1 if cancellation was requested, 0 if not, -1 if this worker no longer runs the job.
    static let progress = RedisFunctionLibrary.Source("progress", """
        local current = redis.call('HMGET', KEYS[1], 'status', 'worker', 'cancel_requested')
        if current[1] ~= 'running' or current[2] ~= ARGV[1] then return -1 end
        redis.call('HSET', KEYS[1], 'progress', ARGV[2], 'message', ARGV[3], 'updated_ms', ARGV[4])
        if current[3] == '1' then return 1 end
        return 0
        """)
}
