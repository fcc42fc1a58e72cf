// Dialog profile sizes counted by all nodes together (docs/cluster.md, "Shared store: dialog"): each node
// keeps its own dialogs and writes its own contribution to Redis, one hash per tenant and node: every
// change at once (HINCRBY, not waited for) and its whole count at every heartbeat (rewritten, with a TTL
// of node_ttl_ms). get_profile_size sums the hashes of the nodes still there: a node killed with kill -9
// stops counting when its hash expires, at most node_ttl_ms after its last heartbeat. A node's dialogs
// stay in the node (they end with it); only their counts are shared.
//
// A change and a snapshot can reach Redis in another order than they were made (a script Redis had to load
// again is sent a second time, after what followed it), so each carries the node's change sequence number
// and the hash keeps the last one it holds (field '-'): a change already in a snapshot is not added again,
// a snapshot older than a change it missed does not overwrite it.
import type { CallbackGuard } from '../callback-guard.ts';
import type { DialogStore } from '../state/index.ts';
import { type SharedStoreLink, sharedCall } from '../state/index.ts';
import { dialogProfilesBase } from './store-keys.ts';

/**
 * KEYS: the node's hash, the nodes set. ARGV: ttl ms, node, sequence number, first (1: this process's first
 * snapshot, which replaces whatever an earlier process of the same name left), then field/count pairs.
 */
const SNAPSHOT = `
local last = tonumber(redis.call('HGET', KEYS[1], '-') or '-1')
if ARGV[4] == '1' or tonumber(ARGV[3]) >= last then
  redis.call('DEL', KEYS[1])
  -- The sequence field also keeps the hash (and so the node's membership) alive with no dialog at all.
  redis.call('HSET', KEYS[1], '-', ARGV[3])
  for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return 1
`;

/**
 * KEYS: the node's hash. ARGV: value field, total field, delta, sequence number. Not on an expired hash (the
 * next snapshot writes it whole), nor when the hash already holds this change.
 */
const CHANGE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if tonumber(ARGV[4]) <= tonumber(redis.call('HGET', KEYS[1], '-') or '-1') then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[3])
redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[1], '-', ARGV[4])
return 1
`;

/** KEYS: the nodes set. ARGV: the node hash prefix, the field. The sum over live nodes; gone ones dropped. */
const SIZE = `
local total = 0
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. node
  if redis.call('EXISTS', key) == 0 then
    redis.call('SREM', KEYS[1], node)
  else
    total = total + tonumber(redis.call('HGET', key, ARGV[2]) or '0')
  end
end
return total
`;

/** A profile's size with one value, and its size over every value, as hash fields (bytes). */
const valueField = (profile: string, value: string) => Buffer.from(`v\0${profile}\0${value}`, 'latin1');
const totalField = (profile: string) => Buffer.from(`t\0${profile}`, 'latin1');

export interface SharedDialogOptions {
  readonly link: SharedStoreLink;
  readonly prefix: string;
  readonly node: string;
  readonly tenants: readonly string[];
  readonly heartbeatMs: number;
  readonly ttlMs: number;
}

export class SharedDialogCounts {
  readonly #o: SharedDialogOptions;
  readonly #store: DialogStore;
  /** The number of the last change of this node's counts; a snapshot carries the one it includes. */
  #seq = 0;
  /** Tenants whose first snapshot Redis has not taken yet: it replaces what an earlier process left. */
  readonly #fresh: Set<string>;

  constructor(options: SharedDialogOptions, store: DialogStore) {
    this.#o = options;
    this.#store = store;
    this.#fresh = new Set(options.tenants);
  }

  /** Starts sharing: changes are written as they happen, the whole count every heartbeat (and now). */
  start(timers: CallbackGuard): { cancel(): void } {
    this.#store.onProfileResized((tenant, profile, value, delta) => {
      const seq = String(++this.#seq);
      void sharedCall(
        this.#o.link,
        { tenant, op: 'change' },
        (redis) =>
          this.#o.link.script(
            redis,
            CHANGE,
            [this.#nodeKey(tenant)],
            [valueField(profile, value), totalField(profile), String(delta), seq],
          ),
        'share',
      );
    });
    this.#store.sharedProfileSize = (tenant, profile, value) => this.size(tenant, profile, value);
    void this.snapshot();
    return timers.interval('cluster-dialog-counts', this.#o.heartbeatMs, () => {
      void this.snapshot();
    });
  }

  /** Writes this node's whole count of every tenant (a heartbeat; after Redis returns, the repair). */
  async snapshot(): Promise<void> {
    for (const tenant of this.#o.tenants) {
      // Read when sent: the counts and the sequence number they include go together.
      const first = this.#fresh.has(tenant) ? '1' : '0';
      const args: (Buffer | string)[] = [String(this.#o.ttlMs), this.#o.node, String(this.#seq), first];
      for (const [profile, values] of this.#store.profileSizes().get(tenant) ?? []) {
        let total = 0;
        for (const [value, n] of values) {
          args.push(valueField(profile, value), String(n));
          total += n;
        }
        args.push(totalField(profile), String(total));
      }
      const written = await sharedCall(
        this.#o.link,
        { tenant, op: 'snapshot' },
        (redis) =>
          this.#o.link.script(redis, SNAPSHOT, [this.#nodeKey(tenant), this.#nodesKey(tenant)], args),
        'share',
      );
      if (written.ok) this.#fresh.delete(tenant);
    }
  }

  /**
   * Dialogs of the tenant in `profile` (with `value`, or any) on all live nodes. Redis not answering:
   * 'cache' answers this node's own count, 'fail' -1.
   */
  async size(tenant: string, profile: string, value: string | undefined): Promise<number> {
    const field = value === undefined ? totalField(profile) : valueField(profile, value);
    const base = dialogProfilesBase(this.#o.prefix, tenant);
    const answer = await sharedCall(this.#o.link, { tenant, op: 'size' }, (redis) =>
      this.#o.link.script(redis, SIZE, [this.#nodesKey(tenant)], [Buffer.from(`${base}node:`), field]),
    );
    if (answer.ok) return Number(answer.value);
    return answer.cached ? this.#store.profileSize(tenant, profile, value) : -1;
  }

  #nodeKey(tenant: string): string {
    return `${dialogProfilesBase(this.#o.prefix, tenant)}node:${this.#o.node}`;
  }

  #nodesKey(tenant: string): string {
    return `${dialogProfilesBase(this.#o.prefix, tenant)}nodes`;
  }
}
