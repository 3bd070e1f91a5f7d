-- Renew a live claim: ARGV now, claim id, ttl, grace. 1, or 0 if missing.
local cid, ttl, grace = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local e = redis.call('HGET', ckey(cid), 'e')
if not e or NOW >= tonumber(e) then return 0 end
local expires = NOW + ttl
redis.call('HSET', ckey(cid), 'u', NOWS, 't', ttl, 'g', grace,
           'e', num(expires))
redis.call('ZADD', CLS, num(expires), cid)
for _, id in ipairs(redis.call('LRANGE', cmkey(cid), 0, -1)) do
  local m = load(id)
  if m and live(m) and m.ci == cid and held(m) then
    hold(m, cid, expires, ttl + grace)
  end
end
backstop(ckey(cid), expires)
backstop(cmkey(cid), expires)
return 1
