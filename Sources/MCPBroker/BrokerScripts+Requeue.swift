import RedisClient

extension BrokerScripts {
    /// Append again the job stream entries the `workers` group skipped, so their jobs run.
    ///
    /// An entry below the group's oldest pending and oldest undelivered entry that still exists is
    /// one no consumer was ever given: a finished job's entry is deleted in the same step as its
    /// acknowledgement, so only an entry the group's cursor jumped over stays there (`XGROUP SETID`
    /// forward, a group destroyed and made anew at `$`). Each such entry, checked again here to be
    /// delivered (below the cursor) and not pending, is appended anew with its fields and the old
    /// one deleted, in one step; a worker's claim then decides, as for any delivery (a job that has
    /// ended is only acknowledged). An entry with more fields than a job entry could have is deleted
    /// (a poison value, which the trim before this removed too).
    ///
    /// KEYS: stream. ARGV: group, bell (as in ``accept``; '' for none), then the entry ids.
    /// Returns {appended, deleted}, or {-1, deleted} when the group's cursor is past the stream's
    /// end (set to an id from the future): an entry appended then would be skipped too, so none is.
    static let requeue = RedisFunctionLibrary.Source("requeue", """
        local cursor = nil
        for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
          local info = {}
          for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
          if info['name'] == ARGV[1] then cursor = info['last-delivered-id'] end
        end
        if not cursor then return {0, 0} end
        local function below(id, other)
          local a1, a2 = string.match(id, '^(%d+)-(%d+)$')
          local b1, b2 = string.match(other, '^(%d+)-(%d+)$')
          if not a1 or not b1 then return false end
          if #a1 ~= #b1 then return #a1 < #b1 end
          if a1 ~= b1 then return a1 < b1 end
          if #a2 ~= #b2 then return #a2 < #b2 end
          return a2 <= b2
        end
        local appended, deleted = 0, 0
        for i = 3, #ARGV do
          local id = ARGV[i]
          local entry = redis.call('XRANGE', KEYS[1], id, id)[1]
          if entry and below(id, cursor) and #redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1) == 0 then
            if #entry[2] <= 16 then
              local added = redis.call('XADD', KEYS[1], '*', unpack(entry[2]))
              if below(added, cursor) then
                -- The cursor is past the stream's end (XGROUP SETID to an id from the future): nothing
                -- appended is ever delivered. Take it back and say so; only moving the cursor back helps.
                redis.call('XDEL', KEYS[1], added)
                return {-1, deleted}
              end
              appended = appended + 1
            else
              deleted = deleted + 1
            end
            redis.call('XDEL', KEYS[1], id)
          end
        end
        if appended > 0 and ARGV[2] ~= '' then redis.call('SPUBLISH', ARGV[2], '') end
        return {appended, deleted}
        """)
}
