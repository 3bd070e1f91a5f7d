-- Delete a queue with its messages and claims: ARGV now, project key,
-- name. The project leaves the project set with its last queue.
wipe()
redis.call('DEL', Q .. ':q')
redis.call('ZREM', KEYS[3], ARGV[3])
if redis.call('ZCARD', KEYS[3]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[2])
end
return 1
