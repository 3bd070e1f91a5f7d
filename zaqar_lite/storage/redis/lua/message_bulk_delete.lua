-- Delete many messages at once: ARGV now, check ('0'/'1'), number of claim
-- ids, the claim ids, then the message ids. With check, every live message
-- must be held by one of the claims, else nothing is deleted and the
-- first offending id is returned; '' on success.
local check, nc = ARGV[2] == '1', tonumber(ARGV[3])
local claims = {}
for i = 4, 3 + nc do claims[ARGV[i]] = true end
if check then
  for i = 4 + nc, #ARGV do
    local m = load(ARGV[i])
    if m and live(m) and not (held(m) and claims[m.ci]) then
      return ARGV[i]
    end
  end
end
for i = 4 + nc, #ARGV do forget(ARGV[i]) end
return ''
