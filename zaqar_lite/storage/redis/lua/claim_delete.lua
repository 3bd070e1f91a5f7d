-- Release a claim: ARGV now, claim id. Its messages become free.
local cid = ARGV[2]
for _, id in ipairs(redis.call('LRANGE', cmkey(cid), 0, -1)) do
  local m = load(id)
  if m and m.ci == cid then
    redis.call('HDEL', mkey(id), 'ci', 'ce')
    release(id)
  end
end
redis.call('DEL', ckey(cid), cmkey(cid))
redis.call('ZREM', CLS, cid)
return 1
