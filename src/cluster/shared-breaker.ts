// The circuit breaker's failures counted by all nodes together (docs/cluster.md, "Shared store: breaker"):
// N nodes each seeing a few failures of the same version trip it, as one node seeing them all would. Each
// node reports its failures of a tenant's active version to Redis, where they add up in buckets of a tenth
// of the window; the sum over the window (the oldest bucket weighted by the part of it still inside) is
// compared with the threshold, and the node that sees it reached trips: its rollback becomes the cluster's
// activation and every node follows (cluster-node.ts). One report per tenant and version is in flight at
// a time, the failures arriving meanwhile go in the next one: a tenant failing as fast as it can costs
// Redis one script per round trip, not one per failure. Not a KSR call: nothing waits for it.
import type { BreakerSettings, SharedFailures } from '../registry/index.ts';
import { type SharedStoreLink, sharedCall } from '../state/index.ts';
import { breakerBase } from './store-keys.ts';

/** Buckets per window: the cluster's count is exact to within a tenth of the window's failures. */
export const BREAKER_BUCKETS = 10;

/** ARGV: key base, failures to add, window ms, buckets. Answers the failures within the window (integer). */
const ADD_FAILURES = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, buckets = tonumber(ARGV[3]), tonumber(ARGV[4])
local size = math.ceil(window / buckets)
local current = math.floor(now / size)
if tonumber(ARGV[2]) > 0 then
  redis.call('INCRBY', ARGV[1] .. current, ARGV[2])
  redis.call('PEXPIRE', ARGV[1] .. current, window + 2 * size)
end
local start = now - window
local oldest = math.floor(start / size)
local total = 0
for b = oldest, current do
  local n = tonumber(redis.call('GET', ARGV[1] .. b) or '0')
  if b == oldest then n = n * ((b + 1) * size - start) / size end
  total = total + n
end
return math.floor(total)
`;

interface Pending {
  count: number;
  readonly settings: BreakerSettings;
  readonly waiters: ((reached: boolean) => void)[];
}

export class SharedBreaker implements SharedFailures {
  readonly #link: SharedStoreLink;
  readonly #prefix: string;
  /** Failures not yet reported, by `tenant/version`. */
  readonly #pending = new Map<string, Pending>();
  /** `tenant/version` whose report is in flight. */
  readonly #inFlight = new Set<string>();

  constructor(link: SharedStoreLink, prefix: string) {
    this.#link = link;
    this.#prefix = prefix;
  }

  report(tenant: string, version: number, settings: BreakerSettings): Promise<boolean> {
    const id = `${tenant}/${version}`;
    let pending = this.#pending.get(id);
    if (pending === undefined) {
      pending = { count: 0, settings, waiters: [] };
      this.#pending.set(id, pending);
    }
    pending.count++;
    const answer = new Promise<boolean>((resolve) => pending.waiters.push(resolve));
    if (!this.#inFlight.has(id)) void this.#send(id, tenant, version);
    return answer;
  }

  async #send(id: string, tenant: string, version: number): Promise<void> {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    this.#inFlight.add(id);
    const { settings } = pending;
    try {
      const answer = await sharedCall(
        this.#link,
        { tenant },
        (redis) =>
          this.#link.script(
            redis,
            ADD_FAILURES,
            [],
            [
              breakerBase(this.#prefix, tenant, version),
              String(pending.count),
              String(settings.windowMs),
              String(BREAKER_BUCKETS),
            ],
          ),
        'share',
      );
      // Without Redis only this node's own count (its local breaker) decides.
      const reached = answer.ok && Number(answer.value) >= settings.failures;
      for (const resolve of pending.waiters) resolve(reached);
    } finally {
      this.#inFlight.delete(id);
      if (this.#pending.has(id)) void this.#send(id, tenant, version);
    }
  }
}
