// The Lua scripts of an htable kept in the cluster's Redis (redis-htable.ts). A table is an index (sorted
// set: key -> expiry in ms on Redis' clock, +inf without autoexpire) and one string per item holding its
// typed value ('i' + decimal for an integer, 's' + bytes for a string) with a Redis TTL for autoexpire.
// Every write runs as one script, so the cap on items, sht_inc's read-add-write and the expiry are one
// atomic step however many nodes write at once. Reads of one item are a plain GET (an expired item is gone).
// KEYS[1] is always the index, KEYS[2] (when present) the item.

// Redis' own clock, so the nodes' clocks never disagree about an item's expiry; `room` makes space for a
// new key: expired index entries are dropped, then the cap is checked.
const COMMON = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function room(index, key, now, max)
  local score = redis.call('ZSCORE', index, key)
  if score and tonumber(score) > now then return true end
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  return redis.call('ZCARD', index) < max
end
local function write(index, item, key, value, ttl, now)
  if ttl > 0 then
    redis.call('SET', item, value, 'PX', ttl)
    redis.call('ZADD', index, now + ttl, key)
    -- Every item of the table lives ttl after its write: the index may go with the last one written.
    redis.call('PEXPIRE', index, ttl)
  else
    redis.call('SET', item, value)
    redis.call('ZADD', index, '+inf', key)
    redis.call('PERSIST', index)
  end
end
`;

/** ARGV: key, encoded value, ttl ms (0: none), max items. Answers 'ok' or 'items' (the table is full). */
export const HT_SET = `${COMMON}
local now = now_ms()
if not room(KEYS[1], ARGV[1], now, tonumber(ARGV[4])) then return 'items' end
write(KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), now)
return 'ok'
`;

/**
 * ARGV: key, delta, ttl ms, max items, initval. Answers the new value (s32, wrapping as the embedded table
 * does), or 'not-integer' / 'items'.
 */
export const HT_ADD = `${COMMON}
local now = now_ms()
local current = redis.call('GET', KEYS[2])
local base = tonumber(ARGV[5])
if current then
  if string.sub(current, 1, 1) ~= 'i' then return 'not-integer' end
  base = tonumber(string.sub(current, 2))
else
  if not room(KEYS[1], ARGV[1], now, tonumber(ARGV[4])) then return 'items' end
end
local value = base + tonumber(ARGV[2])
if value > 2147483647 then value = value - 4294967296 end
if value < -2147483648 then value = value + 4294967296 end
write(KEYS[1], KEYS[2], ARGV[1], 'i' .. string.format('%d', value), tonumber(ARGV[3]), now)
return string.format('%d', value)
`;

/** ARGV: key. Answers 1 when a live item was removed, else 0. */
export const HT_REMOVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('DEL', KEYS[2])
`;

/** ARGV: the item key prefix. Removes every item and the index; answers how many items there were. */
export const HT_RESET = `
local keys = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, key in ipairs(keys) do redis.call('DEL', ARGV[1] .. key) end
redis.call('DEL', KEYS[1])
return #keys
`;

/** No ARGV. Answers the keys of the live items (their index entries not yet expired). */
export const HT_LIVE_KEYS = `${COMMON}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now_ms(), '+inf')
`;

/**
 * ARGV: the item key prefix, then pairs of key and the encoded value it must still hold ('' for any value).
 * Removes the items that still hold what the node matched (a value rewritten meanwhile by another node is
 * kept); answers how many were removed.
 */
export const HT_REMOVE_IF = `
local removed = 0
for i = 2, #ARGV, 2 do
  local item = ARGV[1] .. ARGV[i]
  if ARGV[i + 1] == '' or redis.call('GET', item) == ARGV[i + 1] then
    removed = removed + redis.call('DEL', item)
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed
`;
