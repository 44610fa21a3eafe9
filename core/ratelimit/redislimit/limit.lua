-- Counts one request against every rate of a limit, atomically.
-- KEYS[i]: the counter of rate i. ARGV[1]: "algorithm burst amount_1
-- period_1 amount_2 period_2 ..." (periods in microseconds), one string so
-- the client builds one argument. Time comes from the server.
-- Returns "allowed limit period remaining reset retry" for the binding rate
-- (times in microseconds), one string so the client parses one reply.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
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
  local r = {ok = false, rem = 0, reset = now, retry = 0}
  if alg == 'sliding_window' then
    local s = redis.call('HMGET', key, 'i', 'c', 'p')
    local idx = math.floor(now / period)
    local si, curr, prev = tonumber(s[1]), tonumber(s[2]) or 0, tonumber(s[3]) or 0
    if si == idx then
    elseif si == idx - 1 then prev, curr = curr, 0
    else prev, curr = 0, 0 end
    local start = idx * period
    local frac = (now - start) / period
    local used = math.floor(prev * (1 - frac) + curr)
    r.reset = start + period
    if used + 1 <= cap then
      r.ok, r.rem = true, math.max(0, cap - used - 1)
    else
      local retry = start + period - now
      if prev > 0 and curr + 1 <= cap then
        local need = 1 - (cap - 1 - curr) / prev
        retry = math.floor(need * period) - (now - start) + 1
      end
      r.retry = math.max(retry, 1)
    end
    r.state = {idx, curr, prev}
  elseif alg == 'moving_window' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - period)
    local count = redis.call('ZCARD', key)
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    if count < cap then
      r.ok, r.rem = true, cap - count - 1
      r.reset = now + period
      if count > 0 then r.reset = tonumber(oldest[2]) + period end
    else
      r.reset = tonumber(oldest[2]) + period
      r.retry = r.reset - now
    end
  elseif alg == 'token_bucket' then
    local interval = math.max(1, math.floor(period / amount))
    local tat = math.max(tonumber(redis.call('GET', key)) or 0, now)
    local newTat = tat + interval
    local allowAt = newTat - cap * interval
    if now < allowAt then
      r.reset, r.retry = tat, allowAt - now
    else
      r.ok, r.rem, r.reset = true, math.floor((now - allowAt) / interval), newTat
    end
    r.state = newTat
  else -- fixed_window
    local s = redis.call('HMGET', key, 's', 'c')
    local start, count = tonumber(s[1]), tonumber(s[2]) or 0
    if not start or count == 0 or now >= start + period then start, count = now, 0 end
    r.reset = start + period
    if count + 1 <= cap then
      r.ok, r.rem = true, cap - count - 1
    else
      r.retry = start + period - now
    end
    r.state = {start, count}
  end
  r.amount, r.period = cap, period
  allowed = allowed and r.ok
  v[i] = r
end

if allowed then
  for i = 1, n do
    local key, r = KEYS[i], v[i]
    if alg == 'sliding_window' then
      redis.call('HSET', key, 'i', r.state[1], 'c', r.state[2] + 1, 'p', r.state[3])
      redis.call('PEXPIRE', key, math.ceil(2 * r.period / 1000))
    elseif alg == 'moving_window' then
      local seq = redis.call('INCR', key .. ':seq')
      redis.call('ZADD', key, now, now .. '-' .. seq)
      redis.call('PEXPIRE', key, math.ceil(r.period / 1000))
      redis.call('PEXPIRE', key .. ':seq', math.ceil(r.period / 1000))
    elseif alg == 'token_bucket' then
      redis.call('SET', key, r.state, 'PX', math.max(1, math.ceil((r.state - now) / 1000)))
    else
      redis.call('HSET', key, 's', r.state[1], 'c', r.state[2] + 1)
      redis.call('PEXPIREAT', key, math.ceil((r.state[1] + r.period) / 1000))
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
return string.format('%d %d %d %d %d %d', allowed and 1 or 0, r.amount, r.period, rem, r.reset, r.retry)
