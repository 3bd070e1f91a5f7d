-- Delete a queue's messages and claims, keeping the queue: ARGV now.
wipe()
return 1
