-- Remove up to ARGV[2] expired messages (and expired claims): ARGV now.
return gc(tonumber(ARGV[2]))
