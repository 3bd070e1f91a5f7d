-- Delete one message: ARGV now, id, claim id or ''. Returns 0 (done or
-- missing), 1 (held by a live claim, none given), 2 (not held by it).
local id, cid = ARGV[2], ARGV[3]
local m = load(id)
if not m then return 0 end
if live(m) then
  if held(m) and cid == '' then return 1 end
  if cid ~= '' and not (held(m) and m.ci == cid) then return 2 end
end
forget(id)
return 0
