-- A page of messages: ARGV now, lower bound ('-inf' or '(<seq>'), limit,
-- client id, echo, include_claimed, include_delayed (flags are '0'/'1').
-- Without claimed or delayed messages the page comes from FREE, so that
-- a backlog of held or delayed messages is not walked on every page.
local client, echo = ARGV[4], ARGV[5] == '1'
local claimed, delayed_ok = ARGV[6] == '1', ARGV[7] == '1'
local function visible(m)
  return live(m) and (echo or m.k ~= client)
    and (claimed or not held(m)) and (delayed_ok or not delayed(m))
end
local index = IDS
if not claimed and not delayed_ok then
  refresh_free()
  index = FREE
end
local out = {}
for _, m in ipairs(scan(index, ARGV[2], tonumber(ARGV[3]), visible)) do
  out[#out + 1] = record(m)
end
return out
