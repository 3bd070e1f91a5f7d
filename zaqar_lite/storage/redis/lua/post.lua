-- Post a batch: ARGV now, project, queue, client_id, then per message
-- id, body, ttl, delay. All of the batch or (on a bad argument) none.
refuse_if_full()  -- a full Redis refuses the batch (503)
gc(20)
ensure_queue(ARGV[2], ARGV[3], '{}')
local n = (#ARGV - 4) / 4
local seq = redis.call('HINCRBY', Q .. ':q', 'seq', n) - n
for i = 5, #ARGV, 4 do
  local id, ttl, delay = ARGV[i], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  seq = seq + 1
  redis.call('HSET', mkey(id), 's', seq, 'c', NOWS, 't', ttl, 'd', delay,
             'k', ARGV[4], 'n', 0, 'b', ARGV[i + 1])
  backstop(mkey(id), NOW + ttl)
  redis.call('ZADD', IDS, seq, id)
  redis.call('ZADD', EXP, num(NOW + ttl), id)
  if delay > 0 then
    redis.call('ZADD', VIS, num(NOW + delay), id)
  else
    redis.call('ZADD', FREE, seq, id)
  end
end
return n
