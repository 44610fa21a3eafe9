-- Applies a batch of document writes atomically, bumps the state version
-- and publishes the change with that version.
-- KEYS[1]: the version counter; KEYS[1+i]: the hash of record i's kind.
-- ARGV[1]: channel, ARGV[2]: origin, ARGV[3]: the records as JSON (for the
-- message), then key and value (empty = delete) of each record.
local version = redis.call('INCR', KEYS[1])
for i = 1, #KEYS - 1 do
  local key, value = ARGV[2 + 2 * i], ARGV[3 + 2 * i]
  if value == '' then
    redis.call('HDEL', KEYS[1 + i], key)
  else
    redis.call('HSET', KEYS[1 + i], key, value)
  end
end
redis.call('PUBLISH', ARGV[1], version .. '\n' .. ARGV[2] .. '\n' .. ARGV[3])
return version
