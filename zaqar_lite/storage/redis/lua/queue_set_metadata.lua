-- Replace metadata: ARGV now, metadata JSON. 0 if the queue is missing.
if redis.call('EXISTS', Q .. ':q') == 0 then return 0 end
redis.call('HSET', Q .. ':q', 'm', ARGV[2])
return 1
