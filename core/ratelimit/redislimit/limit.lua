-- Counts one request against every rate of a limit, atomically.
-- KEYS[i]: the counter of rate i. ARGV[1]: "algorithm burst amount_1
-- period_1 amount_2 period_2 ..." (periods in microseconds), one string so
-- the client builds one argument.
-- Returns {allowed, limit, period, remaining, reset_in, retry_in} for the
-- binding rate, as integers. Times are microseconds relative to the
-- server's now, so the caller's clock never has to agree with the server's.
--
-- A single fixed window never comes here: the store counts it with plain
-- INCR and PTTL, as a script run costs several microseconds of server time
-- on its own.
--
-- Inside a script each redis.call and each number formatted as a string
-- costs microseconds, more than the rest of the Lua, so each algorithm uses
-- as few as it can: fixed windows are an INCR'd counter that expires with
-- the window (no clock, no formatting); token buckets and sliding windows
-- one read and one write after TIME. The reply is an array of integers,
-- which Redis encodes without formatting.

local function fmt(ok, cap, period, rem, reset, retry)
  return {ok and 1 or 0, cap, period, rem, reset, retry}
end

-- One sliding window or token bucket: judge and count in one pass.
local alg, burst, amount, period = string.match(ARGV[1], '^(%S+) (%d+) (%d+) (%d+)$')
if alg == 'sliding_window' or alg == 'token_bucket' then
  local key = KEYS[1]
  amount, period = tonumber(amount), tonumber(period)
  local cap = amount + tonumber(burst)
  local t = redis.call('TIME')
  local now = t[1] * 1000000 + t[2]
  if alg == 'token_bucket' then
    local interval = math.max(1, math.floor(period / amount))
    local tat = math.max(tonumber(redis.call('GET', key)) or 0, now)
    local newTat = tat + interval
    local allowAt = newTat - cap * interval
    if now < allowAt then return fmt(false, cap, period, 0, tat - now, allowAt - now) end
    redis.call('SET', key, string.format('%d', newTat), 'PX', math.max(1, math.ceil((newTat - now) / 1000)))
    return fmt(true, cap, period, math.floor((now - allowAt) / interval), newTat - now, 0)
  end
  -- sliding_window: the string "window_index count previous_count".
  local idx = math.floor(now / period)
  local si, curr, prev = string.match(redis.call('GET', key) or '', '^(%d+) (%d+) (%d+)$')
  si, curr, prev = tonumber(si), tonumber(curr) or 0, tonumber(prev) or 0
  if si == idx then
  elseif si == idx - 1 then prev, curr = curr, 0
  else prev, curr = 0, 0 end
  local start = idx * period
  local used = math.floor(prev * (1 - (now - start) / period) + curr)
  local reset = start + period - now
  if used + 1 <= cap then
    redis.call('SET', key, string.format('%d %d %d', idx, curr + 1, prev), 'PX', math.ceil((reset + period) / 1000))
    return fmt(true, cap, period, math.max(0, cap - used - 1), reset, 0)
  end
  local retry = reset
  if prev > 0 and curr + 1 <= cap then
    retry = math.floor((1 - (cap - 1 - curr) / prev) * period) - (now - start) + 1
  end
  return fmt(false, cap, period, 0, reset, math.max(retry, 1))
end

-- Several rates (or a moving window): judge every rate first, count only
-- when all allow.
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local params = {}
for word in string.gmatch(ARGV[1], '%S+') do params[#params + 1] = word end
alg = params[1]
burst = tonumber(params[2])
local n = #KEYS
local v = {}
local allowed = true

for i = 1, n do
  local key = KEYS[i]
  amount = tonumber(params[1 + 2 * i])
  period = tonumber(params[2 + 2 * i])
  local cap = amount + burst
  local r = {ok = false, rem = 0, reset = 0, retry = 0}
  if alg == 'sliding_window' then
    local idx = math.floor(now / period)
    local si, curr, prev = string.match(redis.call('GET', key) or '', '^(%d+) (%d+) (%d+)$')
    si, curr, prev = tonumber(si), tonumber(curr) or 0, tonumber(prev) or 0
    if si == idx then
    elseif si == idx - 1 then prev, curr = curr, 0
    else prev, curr = 0, 0 end
    local start = idx * period
    local used = math.floor(prev * (1 - (now - start) / period) + curr)
    r.reset = start + period - now
    if used + 1 <= cap then
      r.ok, r.rem = true, math.max(0, cap - used - 1)
    else
      local retry = r.reset
      if prev > 0 and curr + 1 <= cap then
        retry = math.floor((1 - (cap - 1 - curr) / prev) * period) - (now - start) + 1
      end
      r.retry = math.max(retry, 1)
    end
    r.state = string.format('%d %d %d', idx, curr + 1, prev)
    r.ttl = math.ceil((r.reset + period) / 1000)
  elseif alg == 'moving_window' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
    local count = redis.call('ZCARD', key)
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    if count < cap then
      r.ok, r.rem = true, cap - count - 1
      r.reset = period
      if count > 0 then r.reset = tonumber(oldest[2]) + period - now end
    else
      r.reset = tonumber(oldest[2]) + period - now
      r.retry = r.reset
    end
  elseif alg == 'token_bucket' then
    local interval = math.max(1, math.floor(period / amount))
    local tat = math.max(tonumber(redis.call('GET', key)) or 0, now)
    local newTat = tat + interval
    local allowAt = newTat - cap * interval
    if now < allowAt then
      r.reset, r.retry = tat - now, allowAt - now
    else
      r.ok, r.rem, r.reset = true, math.floor((now - allowAt) / interval), newTat - now
    end
    r.state = newTat
  else -- fixed_window: a counter string that expires with its window
    local pms = math.ceil(period / 1000)
    local c = tonumber(redis.call('GET', key)) or 0
    local ttl = pms
    if c > 0 then
      ttl = redis.call('PTTL', key)
      if ttl < 0 then ttl = pms end
    end
    r.reset = ttl * 1000
    if c + 1 <= cap then
      r.ok, r.rem = true, cap - c - 1
    else
      r.retry = r.reset
    end
    r.ttl = pms
  end
  r.amount, r.period = cap, period
  allowed = allowed and r.ok
  v[i] = r
end

if allowed then
  for i = 1, n do
    local key, r = KEYS[i], v[i]
    if alg == 'sliding_window' then
      redis.call('SET', key, r.state, 'PX', r.ttl)
    elseif alg == 'moving_window' then
      local seq = redis.call('INCR', key .. ':seq')
      redis.call('ZADD', key, now, now .. '-' .. seq)
      redis.call('PEXPIRE', key, math.ceil(r.period / 1000))
      redis.call('PEXPIRE', key .. ':seq', math.ceil(r.period / 1000))
    elseif alg == 'token_bucket' then
      redis.call('SET', key, string.format('%d', r.state), 'PX', math.max(1, math.ceil((r.state - now) / 1000)))
    else
      if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, r.ttl) end
    end
  end
end

-- The binding rate: least remaining when allowed, latest retry when blocked.
local b = nil
for i = 1, n do
  local r = v[i]
  if allowed then
    if b == nil or r.rem < v[b].rem then b = i end
  elseif not r.ok then
    if b == nil or r.retry > v[b].retry then b = i end
  end
end
local r = v[b]
local rem = r.rem
if not allowed then rem = 0 end
return fmt(allowed, r.amount, r.period, rem, r.reset, r.retry)
