-- Take and delete up to ARGV[2] free messages, oldest first.
gc(50)
local out = {}
for _, m in ipairs(scan(FREE, '-inf', tonumber(ARGV[2]), free)) do
  out[#out + 1] = record(m)
  forget(m.id)
end
return out
