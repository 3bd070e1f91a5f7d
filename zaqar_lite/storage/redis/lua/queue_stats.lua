-- Counts of a queue: ARGV now. Returns {total, claimed, delayed,
-- oldest record or false, newest record or false}.
gc(100)
local above = '(' .. NOWS
local total = redis.call('ZCOUNT', EXP, above, '+inf')
local claimed = redis.call('ZCOUNT', CLM, above, '+inf')
local delayed_n = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', VIS, above, '+inf')) do
  local e = redis.call('ZSCORE', EXP, id)
  if e and tonumber(e) > NOW then delayed_n = delayed_n + 1 end
end
local function edge(first, step)
  local i = first
  while true do
    local ids = redis.call('ZRANGE', IDS, i, i)
    if #ids == 0 then return false end
    local m = load(ids[1])
    if m and live(m) then return record(m) end
    i = i + step
  end
end
if total == 0 then return {0, 0, 0, false, false} end
return {total, claimed, delayed_n, edge(0, 1), edge(-1, -1)}
