-- Claim free messages: ARGV now, claim id, ttl, grace, limit.
-- Returns the claimed messages' records (none: no claim is stored).
local cid, ttl, grace = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
gc(50)
local picked = scan(FREE, '-inf', tonumber(ARGV[5]), free)
if #picked == 0 then return {} end
local expires = NOW + ttl
redis.call('HSET', ckey(cid), 'c', NOWS, 'u', NOWS, 't', ttl, 'g', grace,
           'e', num(expires))
redis.call('ZADD', CLS, num(expires), cid)
local out = {}
for _, m in ipairs(picked) do
  redis.call('RPUSH', cmkey(cid), m.id)
  m.n = m.n + 1
  hold(m, cid, expires, ttl + grace)
  out[#out + 1] = record(m)
end
backstop(ckey(cid), expires)
backstop(cmkey(cid), expires)
return out
