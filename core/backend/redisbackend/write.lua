-- Applies a batch of document writes atomically, bumps the state version
-- and publishes the change with that version.
-- KEYS[1]: the version counter; KEYS[2]: the set of kinds in use;
-- KEYS[2+i]: the hash of record i's kind.
-- ARGV[1]: channel, ARGV[2]: origin, ARGV[3]: the records as JSON (for the
-- message), then key, value (empty = delete) and kind of each record.
local version = redis.call('INCR', KEYS[1])
for i = 1, #KEYS - 2 do
  local key, value, kind = ARGV[1 + 3 * i], ARGV[2 + 3 * i], ARGV[3 + 3 * i]
  if value == '' then
    redis.call('HDEL', KEYS[2 + i], key)
  else
    redis.call('HSET', KEYS[2 + i], key, value)
    redis.call('SADD', KEYS[2], kind)
  end
end
redis.call('PUBLISH', ARGV[1], version .. '\n' .. ARGV[2] .. '\n' .. ARGV[3])
return version
