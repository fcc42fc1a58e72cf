// The Lua scripts that change a cluster's versions and activations: each runs atomically in Redis, so a
// version number, its record and (when asked) its activation and the event announcing it are one step, and
// an activation that expected another current one is refused instead of overwriting it. Every script
// answers JSON: the record(s) written, or `{"error": code}`.

/** Activation ids are per tenant and increase; the record of id N-HISTORY is dropped when N is written. */
export const ACTIVATION_HISTORY = 200;

// Writes one activation: id, record in the history, current pointer, event. `previous` '' is the
// activation being replaced, 'null' none, else an id (a rollback's undo).
const ACTIVATE_FN = `
local function activate(prefix, tenant, version, kind, by, node, at, previous, history)
  local t = prefix .. 'tenant:' .. tenant .. ':'
  local current = redis.call('GET', t .. 'active')
  local prev = cjson.null
  if previous == '' then
    if current then prev = cjson.decode(current).id end
  elseif previous ~= 'null' then
    prev = tonumber(previous)
  end
  local id = redis.call('INCR', t .. 'last-activation')
  local rec = cjson.encode({id = id, tenant = tenant, version = tonumber(version), previous = prev,
    kind = kind, at = at, by = by, node = node})
  redis.call('HSET', t .. 'activations', id, rec)
  if id > history then redis.call('HDEL', t .. 'activations', id - history) end
  redis.call('SET', t .. 'active', rec)
  redis.call('PUBLISH', prefix .. 'events', rec)
  return rec
end
`;

/**
 * ARGV: prefix, tenant, sha256, size, world, createdBy, createdAt, node, activation kind ('' none;
 * 'initial' only when the tenant has no active version yet), history. The blob must be stored already.
 */
export const RECORD_VERSION = `${ACTIVATE_FN}
local prefix, tenant, sha = ARGV[1], ARGV[2], ARGV[3]
local t = prefix .. 'tenant:' .. tenant .. ':'
if redis.call('EXISTS', prefix .. 'blob:' .. sha) == 0 then
  return cjson.encode({error = 'blob-missing'})
end
local v = redis.call('INCR', t .. 'last-version')
redis.call('HSET', t .. 'versions', v, cjson.encode({version = v, sha256 = sha, size = tonumber(ARGV[4]),
  world = ARGV[5], createdBy = ARGV[6], createdAt = ARGV[7], node = ARGV[8]}))
redis.call('SADD', prefix .. 'blob-refs:' .. sha, tenant .. '/' .. v)
local kind = ARGV[9]
local act = cjson.null
if kind ~= '' and not (kind == 'initial' and redis.call('EXISTS', t .. 'active') == 1) then
  act = cjson.decode(activate(prefix, tenant, v, kind, ARGV[6], ARGV[8], ARGV[7], '', tonumber(ARGV[10])))
end
return cjson.encode({version = v, activation = act})
`;

/**
 * ARGV: prefix, tenant, version, kind, by, node, at, expected ('' anything, 'none', or the current
 * activation's id), previous ('' the replaced one, 'null', or an id), history.
 */
export const ACTIVATE = `${ACTIVATE_FN}
local prefix, tenant, version = ARGV[1], ARGV[2], ARGV[3]
local t = prefix .. 'tenant:' .. tenant .. ':'
if redis.call('HEXISTS', t .. 'versions', version) == 0 then
  return cjson.encode({error = 'unknown-version'})
end
if ARGV[8] ~= '' then
  local current = redis.call('GET', t .. 'active')
  local id = 'none'
  if current then id = tostring(cjson.decode(current).id) end
  if id ~= ARGV[8] then return cjson.encode({error = 'conflict'}) end
end
local rec = activate(prefix, tenant, version, ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[9], tonumber(ARGV[10]))
return cjson.encode({activation = cjson.decode(rec)})
`;

/** ARGV: prefix, tenant, version. Removes the version record; its blob goes with the last record naming it. */
export const PRUNE_VERSION = `
local prefix, tenant, version = ARGV[1], ARGV[2], ARGV[3]
local t = prefix .. 'tenant:' .. tenant .. ':'
local raw = redis.call('HGET', t .. 'versions', version)
if not raw then return cjson.encode({removed = false}) end
local sha = cjson.decode(raw).sha256
redis.call('HDEL', t .. 'versions', version)
local refs = prefix .. 'blob-refs:' .. sha
redis.call('SREM', refs, tenant .. '/' .. version)
if redis.call('SCARD', refs) == 0 then
  redis.call('DEL', refs, prefix .. 'blob:' .. sha)
end
return cjson.encode({removed = true})
`;

/**
 * A Redis that lost its data (restarted without persistence) is filled again from the first node that
 * reconnects: its retained versions and its active one, when the tenant has no version in Redis.
 * ARGV: prefix, tenant, versions (JSON array of records; their blobs stored already), last version number,
 * active version (0: none), by, node, at, history.
 */
export const RESEED = `${ACTIVATE_FN}
local prefix, tenant = ARGV[1], ARGV[2]
local t = prefix .. 'tenant:' .. tenant .. ':'
if redis.call('EXISTS', t .. 'last-version') == 1 then return cjson.encode({error = 'exists'}) end
for _, rec in ipairs(cjson.decode(ARGV[3])) do
  redis.call('HSET', t .. 'versions', rec.version, cjson.encode(rec))
  redis.call('SADD', prefix .. 'blob-refs:' .. rec.sha256, tenant .. '/' .. rec.version)
end
redis.call('SET', t .. 'last-version', ARGV[4])
local act = cjson.null
if ARGV[5] ~= '0' then
  act = cjson.decode(activate(prefix, tenant, ARGV[5], 'activate', ARGV[6], ARGV[7], ARGV[8], 'null',
    tonumber(ARGV[9])))
end
return cjson.encode({activation = act})
`;
