-- Live messages among ARGV[2..] (ARGV[1] is now), in FIFO order.
local seen, msgs = {}, {}
for i = 2, #ARGV do
  local m = not seen[ARGV[i]] and load(ARGV[i])
  seen[ARGV[i]] = true
  if m and live(m) then msgs[#msgs + 1] = m end
end
table.sort(msgs, function(a, b) return a.s < b.s end)
local out = {}
for _, m in ipairs(msgs) do out[#out + 1] = record(m) end
return out
