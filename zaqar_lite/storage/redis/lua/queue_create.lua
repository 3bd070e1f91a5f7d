-- Create a queue: ARGV now, project key, name, metadata JSON. 1 if new.
return ensure_queue(ARGV[2], ARGV[3], ARGV[4])
