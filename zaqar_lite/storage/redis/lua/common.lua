-- Helpers shared by every script (prepended to each one).
-- KEYS[1]: the queue prefix; KEYS[2]: the set of projects;
-- KEYS[3]: the project's queue names. ARGV[1] is always "now" (seconds).
-- Floats go to Redis through num() so that no precision is lost
-- (Lua's own tostring keeps only 14 digits).
local Q = KEYS[1]
local NOWS = ARGV[1]
local NOW = tonumber(NOWS)
-- Redis drops a key this long after its logical expiry, in case the
-- queue is never touched again (gc() and each write clean up before).
local BACKSTOP = 86400
-- IDS: every message by sequence (FIFO); FREE: those neither held nor
-- delayed, by sequence (what claims and pops scan, so held and delayed
-- messages cost nothing); CLM: held messages by claim expiry; EXP: by
-- expiry; VIS: delayed ones by end of delay (they join FREE then); CLS:
-- claims by expiry.
local IDS, FREE, EXP, VIS = Q .. ':ids', Q .. ':free', Q .. ':exp',
  Q .. ':vis'
local CLM, CLS = Q .. ':clm', Q .. ':cls'

local function num(x) return string.format('%.17g', x) end
local function mkey(id) return Q .. ':m:' .. id end
local function ckey(cid) return Q .. ':c:' .. cid end
local function cmkey(cid) return Q .. ':cm:' .. cid end

local function backstop(key, until_)
  redis.call('EXPIRE', key, math.max(1, math.ceil(until_ - NOW)) + BACKSTOP)
end

-- Fail with Redis's OOM error, before anything is written, when Redis is
-- over maxmemory. Redis checks memory only at a script's first write that
-- may grow it, and gc() writes first without that check: a script that
-- grows the store calls this before gc(). SETRANGE of nothing on a
-- missing key is such a write, and it writes nothing.
local function refuse_if_full()
  redis.call('SETRANGE', Q .. ':full-probe', 0, '')
end

-- The state of a message, or nil when it is gone.
local function load(id)
  local f = redis.call('HMGET', mkey(id), 's', 'c', 't', 'd', 'k', 'ci',
                       'ce', 'n')
  if not f[1] then return nil end
  return {id = id, s = tonumber(f[1]), craw = f[2], c = tonumber(f[2]),
          t = tonumber(f[3]), d = tonumber(f[4]), k = f[5],
          ci = f[6], ce = tonumber(f[7] or '0'), n = tonumber(f[8])}
end

local function live(m) return NOW < m.c + m.t end
local function delayed(m) return NOW < m.c + m.d end
local function held(m) return m.ci and NOW < m.ce end
local function free(m)
  return live(m) and not delayed(m) and not held(m)
end

-- Wire form: {id, created, ttl, claim_id or '', claim_count, body, seq}.
local function record(m)
  local cid = ''
  if held(m) then cid = m.ci end
  return {m.id, m.craw, m.t, cid, m.n, redis.call('HGET', mkey(m.id), 'b'),
          m.s}
end

local function forget(id)
  redis.call('DEL', mkey(id))
  redis.call('ZREM', IDS, id)
  redis.call('ZREM', FREE, id)
  redis.call('ZREM', EXP, id)
  redis.call('ZREM', VIS, id)
  redis.call('ZREM', CLM, id)
end

-- Messages of `index` after sequence `lo`, in FIFO order: up to `limit`
-- of them that `want`.
local function scan(index, lo, limit, want)
  local out, offset = {}, 0
  while #out < limit do
    local ids = redis.call('ZRANGEBYSCORE', index, lo, '+inf', 'LIMIT',
                           offset, 100)
    for _, id in ipairs(ids) do
      local m = load(id)
      if m and want(m) then
        out[#out + 1] = m
        if #out == limit then return out end
      end
    end
    if #ids < 100 then break end
    offset = offset + 100
  end
  return out
end

-- Extend a held message's life to `life` seconds from now, mark the hold.
local function hold(m, cid, expires, life)
  local t = math.max(m.t, math.ceil(NOW - m.c) + life)
  m.t, m.ci, m.ce = t, cid, expires
  redis.call('HSET', mkey(m.id), 't', t, 'ci', cid, 'ce', num(expires),
             'n', m.n)
  redis.call('ZADD', EXP, num(m.c + t), m.id)
  redis.call('ZADD', CLM, num(expires), m.id)
  redis.call('ZREM', FREE, m.id)
  backstop(mkey(m.id), m.c + t)
end

-- Make a held message free again.
local function release(id)
  redis.call('ZREM', CLM, id)
  local seq = redis.call('ZSCORE', IDS, id)
  if seq then redis.call('ZADD', FREE, seq, id) end
end

-- Return every message whose claim expired to FREE (all of them, so that
-- a claim or a pop takes the oldest free messages; each hold is released
-- once, so the cost is spread over the claims that made them).
local function release_expired()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', CLM, '-inf', NOWS)) do
    release(id)
  end
end

-- Move every message whose delay is over from VIS to FREE (each once).
-- FREE may also hold delayed messages written before VIS kept them out
-- of it: the scans check `free` anyway.
local function promote_visible()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', VIS, '-inf', NOWS)) do
    if not redis.call('ZSCORE', CLM, id) then
      local seq = redis.call('ZSCORE', IDS, id)
      if seq then redis.call('ZADD', FREE, seq, id) end
    end
  end
  redis.call('ZREMRANGEBYSCORE', VIS, '-inf', NOWS)
end

-- Bring FREE up to date: expired claims and ended delays.
local function refresh_free()
  release_expired()
  promote_visible()
end

-- Remove up to `limit` expired messages and claims; returns messages.
local function gc(limit)
  refresh_free()
  local ids = redis.call('ZRANGEBYSCORE', EXP, '-inf', NOWS, 'LIMIT', 0,
                         limit)
  for _, id in ipairs(ids) do forget(id) end
  local cids = redis.call('ZRANGEBYSCORE', CLS, '-inf', NOWS, 'LIMIT', 0,
                          limit)
  for _, cid in ipairs(cids) do
    redis.call('DEL', ckey(cid), cmkey(cid))
    redis.call('ZREM', CLS, cid)
  end
  return #ids
end

-- Delete every message and claim of the queue (the queue stays).
local function wipe()
  for _, id in ipairs(redis.call('ZRANGE', IDS, 0, -1)) do
    redis.call('UNLINK', mkey(id))
  end
  for _, cid in ipairs(redis.call('ZRANGE', CLS, 0, -1)) do
    redis.call('UNLINK', ckey(cid), cmkey(cid))
  end
  redis.call('UNLINK', IDS, FREE, EXP, VIS, CLM, CLS)
end

-- Create the queue if missing; returns 1 if it was created.
local function ensure_queue(project, name, metadata)
  if redis.call('EXISTS', Q .. ':q') == 1 then return 0 end
  redis.call('HSET', Q .. ':q', 'm', metadata, 'seq', 0)
  redis.call('SADD', KEYS[2], project)
  redis.call('ZADD', KEYS[3], 0, name)
  return 1
end
