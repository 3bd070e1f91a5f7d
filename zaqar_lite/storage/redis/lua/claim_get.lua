-- A live claim: ARGV now, claim id. Returns nil when missing or expired,
-- else {created, updated, ttl, grace, {records in FIFO order}}.
local cid = ARGV[2]
local f = redis.call('HMGET', ckey(cid), 'c', 'u', 't', 'g', 'e')
if not f[1] or NOW >= tonumber(f[5]) then return nil end
local msgs = {}
for _, id in ipairs(redis.call('LRANGE', cmkey(cid), 0, -1)) do
  local m = load(id)
  if m and live(m) and m.ci == cid and held(m) then msgs[#msgs + 1] = m end
end
table.sort(msgs, function(a, b) return a.s < b.s end)
local out = {}
for _, m in ipairs(msgs) do out[#out + 1] = record(m) end
return {f[1], f[2], tonumber(f[3]), tonumber(f[4]), out}
