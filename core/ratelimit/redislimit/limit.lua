-- Counts one request against a limit, atomically, timed by the server's
-- clock (TIME, in microseconds): times in replies are relative to the
-- server's now, so the caller's clock never has to agree with the server's.
--
-- Inside a script each redis.call costs a microsecond or more, and each
-- argument, table built, library function called or number formatted as
-- a string a good fraction of one: far more than the arithmetic. So the
-- two common checks, one token bucket and one sliding window, have paths
-- of their own made of TIME, one GET and, when the request is allowed,
-- one SET, and reply (when allowed) with one integer from which the
-- caller, who knows the rate, works out the result. ARGV[1] picks the
-- path:
--
--   't'  one token bucket (GCRA). KEYS[1] holds the theoretical arrival
--        time (TAT, microseconds) of the next request; ARGV[2] is the
--        emission interval and ARGV[3] the tolerance (capacity x interval),
--        both microseconds. Replies d, how far the TAT was ahead of now (0
--        when behind), if the request is allowed and -d - 1 if it is
--        blocked. The key expires when the bucket is full again.
--   's'  one sliding window. KEYS[1] holds "window_index count
--        previous_count"; ARGV[2] is the period (microseconds), ARGV[3] the
--        capacity. Replies used * period + elapsed if the request is
--        allowed (used: the weighted count before it; elapsed: microseconds
--        into the window), or {used, elapsed} where that integer would not
--        be exact in a double, and {-retry, elapsed} if it is blocked. The
--        key expires at the end of the next window: set when the window's
--        first request writes it, kept (KEEPTTL) by the others.
--   else "algorithm burst amount_1 period_1 amount_2 period_2 ..." (periods
--        in microseconds), one key per rate: several rates, or a moving
--        window. Replies {allowed, limit, period, remaining, reset_in,
--        retry_in} for the binding rate, as integers.
--
-- A single fixed window never comes here: the store counts it with plain
-- INCR and PTTL, as a script run costs several microseconds of server time
-- on its own.

local mode = ARGV[1]

if mode == 't' then
  local key = KEYS[1]
  local t = redis.call('TIME')
  local now = t[1] * 1000000 + t[2]
  local interval, tau = ARGV[2] + 0, ARGV[3] + 0
  -- tonumber: a value another algorithm left reads as an empty bucket.
  local d = (tonumber(redis.call('GET', key)) or 0) - now
  if d < 0 then d = 0 end
  if d + interval > tau then return -d - 1 end
  redis.call('SET', key, string.format('%d', now + d + interval), 'PX', string.format('%d', (d + interval + 999) / 1000))
  return d
end

if mode == 's' then
  local key = KEYS[1]
  local t = redis.call('TIME')
  local now = t[1] * 1000000 + t[2]
  local period, cap = ARGV[2] + 0, ARGV[3] + 0
  local elapsed = now % period
  local idx = (now - elapsed) / period
  local curr, prev, same = 0, 0, false
  local v = redis.call('GET', key)
  if v then
    local si, c, p = string.match(v, '^(%d+) (%d+) (%d+)$')
    if si then
      si = si + 0
      if si == idx then curr, prev, same = c + 0, p + 0, true
      elseif si == idx - 1 then prev = c + 0 end
    end
  end
  local used = prev * (1 - elapsed / period) + curr
  used = used - used % 1 -- math.floor, without a function call
  if used < cap then
    local state = string.format('%d %d %d', idx, curr + 1, prev)
    if same then
      redis.call('SET', key, state, 'KEEPTTL')
    else
      redis.call('SET', key, state, 'PX', string.format('%d', (2 * period - elapsed + 999) / 1000))
    end
    local r = used * period + elapsed
    if r < 9007199254740992 then return r end -- 2^53
    return {used, elapsed}
  end
  local retry = period - elapsed
  if prev > 0 and curr + 1 <= cap then
    retry = math.floor((1 - (cap - 1 - curr) / prev) * period) - elapsed + 1
  end
  if retry < 1 then retry = 1 end
  return {-retry, elapsed}
end

local function fmt(ok, cap, period, rem, reset, retry)
  return {ok and 1 or 0, cap, period, rem, reset, retry}
end

-- Several rates (or a moving window): judge every rate first, count only
-- when all allow.
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local params = {}
for word in string.gmatch(ARGV[1], '%S+') do params[#params + 1] = word end
local alg = params[1]
local burst = tonumber(params[2])
local n = #KEYS
local v = {}
local allowed = true

for i = 1, n do
  local key = KEYS[i]
  local amount = tonumber(params[1 + 2 * i])
  local period = tonumber(params[2 + 2 * i])
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
