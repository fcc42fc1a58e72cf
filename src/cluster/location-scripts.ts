// The Lua scripts of the Redis location store (redis-location.ts): each runs atomically in Redis, so one
// REGISTER's changes, the per-AoR and per-tenant caps checked against every node's bindings, and the
// indexes and TTLs that go with them are one step. Keys of one tenant (docs/cluster.md, "Location"):
//   H  <p>tenant:<t>:loc:<table>:<aor>     hash contact -> binding (JSON), expires with its last binding
//   Z  <p>tenant:<t>:loc-expiry            zset "<table>\n<aor>\n<contact>" -> expiresAt (ms): the tenant's
//                                          live count (ZCOUNT), the sweep's index
//   N  <p>tenant:<t>:loc-node:<node>       zset, same members, of the bindings saved through <node>: the
//                                          NAT keepalive of that node pings those (its NAT mappings)
// A binding's JSON carries `node`, the node that saved it: its member is moved between N zsets with it.
// Scripts get KEYS H, Z (when they touch an AoR) and ARGV[1] = the N key prefix `<p>tenant:<t>:loc-node:`.

/** Removes one binding (its JSON `raw`) from the indexes. */
const UNINDEX = `
local function unindex(z, nprefix, member, raw)
  redis.call('ZREM', z, member)
  local ok, b = pcall(cjson.decode, raw)
  if ok and type(b) == 'table' and b.node then redis.call('ZREM', nprefix .. b.node, member) end
end
local function expire_at_last(key)
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if top[2] then redis.call('PEXPIREAT', key, string.format('%.0f', tonumber(top[2]))) end
end
`;

/**
 * KEYS: H, Z. ARGV: node-zset prefix, now, member prefix "<table>\n<aor>\n", max contacts, max bindings,
 * node, number of removals R, R contacts, then per put: contact, expiresAt, JSON.
 * Answers {"bindings": [JSON...]} (the AoR's live bindings after it), or {"error", "count"} and changes nothing.
 */
export const LOCATION_APPLY = `${UNINDEX}
local h, z = KEYS[1], KEYS[2]
local nprefix, now, mprefix = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local max_contacts, max_bindings, node = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local all = redis.call('HGETALL', h)
local live, raw_of = {}, {}
local before = 0
for i = 1, #all, 2 do
  local b = cjson.decode(all[i + 1])
  if b.expiresAt <= now then
    redis.call('HDEL', h, all[i])
    unindex(z, nprefix, mprefix .. all[i], all[i + 1])
  else
    live[all[i]] = true
    raw_of[all[i]] = all[i + 1]
    before = before + 1
  end
end
local nremove = tonumber(ARGV[7])
local first_put = 8 + nremove
local after = before
for i = 8, first_put - 1 do
  if live[ARGV[i]] then live[ARGV[i]] = nil; after = after - 1 end
end
for i = first_put, #ARGV, 3 do
  if not live[ARGV[i]] then live[ARGV[i]] = true; after = after + 1 end
end
if after > before then
  if after > max_contacts then return cjson.encode({error = 'aor-full', count = before}) end
  local total = redis.call('ZCOUNT', z, '(' .. ARGV[2], '+inf')
  if total + after - before > max_bindings then
    return cjson.encode({error = 'tenant-full', count = total})
  end
end
for i = 8, first_put - 1 do
  local c = ARGV[i]
  if raw_of[c] then
    redis.call('HDEL', h, c)
    unindex(z, nprefix, mprefix .. c, raw_of[c])
    raw_of[c] = nil
  end
end
local n = redis.call('ZCARD', nprefix .. node)
for i = first_put, #ARGV, 3 do
  local c, member = ARGV[i], mprefix .. ARGV[i]
  if raw_of[c] then unindex(z, nprefix, member, raw_of[c]) end
  redis.call('HSET', h, c, ARGV[i + 2])
  raw_of[c] = ARGV[i + 2]
  redis.call('ZADD', z, ARGV[i + 1], member)
  redis.call('ZADD', nprefix .. node, ARGV[i + 1], member)
end
local out, last = {}, 0
for c, raw in pairs(raw_of) do
  out[#out + 1] = raw
  local at = cjson.decode(raw).expiresAt
  if at > last then last = at end
end
if #out == 0 then
  redis.call('DEL', h)
else
  redis.call('PEXPIREAT', h, string.format('%.0f', last))
  expire_at_last(z)
  expire_at_last(nprefix .. node)
end
return cjson.encode({bindings = out})
`;

/** KEYS: H, Z. ARGV: node-zset prefix, member prefix. Removes the AoR; answers how many bindings it held. */
export const LOCATION_REMOVE_AOR = `${UNINDEX}
local h, z = KEYS[1], KEYS[2]
local all = redis.call('HGETALL', h)
for i = 1, #all, 2 do unindex(z, ARGV[1], ARGV[2] .. all[i], all[i + 1]) end
redis.call('DEL', h)
return #all / 2
`;

/**
 * KEYS: H, Z. ARGV: node-zset prefix, member prefix, contact, updatedAt. Removes the binding unless a
 * REGISTER refreshed it after updatedAt (the NAT keepalive's keepalive_timeout); 1 removed, 0 kept.
 */
export const LOCATION_REMOVE_STALE = `${UNINDEX}
local h, z = KEYS[1], KEYS[2]
local raw = redis.call('HGET', h, ARGV[3])
if not raw then return 0 end
if cjson.decode(raw).updatedAt > tonumber(ARGV[4]) then return 0 end
redis.call('HDEL', h, ARGV[3])
unindex(z, ARGV[1], ARGV[2] .. ARGV[3], raw)
return 1
`;

/**
 * KEYS: Z. ARGV: node-zset prefix, H key prefix "<p>tenant:<t>:loc:", now, limit. Removes at most `limit`
 * expired bindings of the tenant (their hash fields and index entries); answers how many.
 */
export const LOCATION_SWEEP = `${UNINDEX}
local z, nprefix, hprefix = KEYS[1], ARGV[1], ARGV[2]
local expired = redis.call('ZRANGEBYSCORE', z, '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
for _, member in ipairs(expired) do
  local table_, aor, contact = string.match(member, '^([^\\n]*)\\n([^\\n]*)\\n(.*)$')
  local raw = false
  if table_ then
    local h = hprefix .. table_ .. ':' .. aor
    raw = redis.call('HGET', h, contact)
    if raw and cjson.decode(raw).expiresAt <= tonumber(ARGV[3]) then redis.call('HDEL', h, contact) end
  end
  if raw then unindex(z, nprefix, member, raw) else redis.call('ZREM', z, member) end
end
return #expired
`;

/**
 * KEYS: N (this node's zset). ARGV: H key prefix, now, offset, limit. The NAT keepalive's batch: live
 * bindings saved through this node, by expiry, from `offset`; answers [[member, JSON], ...].
 */
export const LOCATION_PING_BATCH = `
local n, hprefix = KEYS[1], ARGV[1]
redis.call('ZREMRANGEBYSCORE', n, '-inf', ARGV[2])
local members = redis.call('ZRANGEBYSCORE', n, '(' .. ARGV[2], '+inf', 'LIMIT', tonumber(ARGV[3]), tonumber(ARGV[4]))
local out = {}
for _, member in ipairs(members) do
  local table_, aor, contact = string.match(member, '^([^\\n]*)\\n([^\\n]*)\\n(.*)$')
  if table_ then
    local raw = redis.call('HGET', hprefix .. table_ .. ':' .. aor, contact)
    out[#out + 1] = {member, raw or ''}
  end
end
return cjson.encode(out)
`;
