// Pike's hits counted by all nodes together (docs/cluster.md, "Shared store: pike"), without a Redis round
// trip per request: each node counts locally as on one server, and every `syncMs` pushes the hits it saw
// since the last push (per address and sampling unit, HINCRBY in one script) and reads back the totals of
// those addresses. A check adds the other nodes' hits (total minus this node's pushed hits) to its own,
// so an address sending density/N per unit to each of N nodes is detected. The others' hits are at most
// one push interval (plus a round trip) old. A push carries the `MAX_PUSHED` addresses with most hits: a
// flood of random sources costs Redis a bounded amount per interval, and an address this node saw only a
// few times is counted here alone.
import type { CallbackGuard } from '../callback-guard.ts';
import type { PikeRemote, PikeStore, SharedStoreLink } from '../state/index.ts';
import { sharedCall } from '../state/index.ts';
import { pikeBase } from './store-keys.ts';

/** Addresses per push at most (the most hits first). */
export const MAX_PUSHED = 1000;

/** ARGV: unit key, ttl ms, then address/hits pairs. Answers the unit's totals of those addresses. */
const PUSH = `
local totals = {}
for i = 3, #ARGV, 2 do
  totals[#totals + 1] = redis.call('HINCRBY', ARGV[1], ARGV[i], ARGV[i + 1])
end
redis.call('PEXPIRE', ARGV[1], ARGV[2])
return totals
`;

type Counts = Map<number, Map<string, number>>;

function add(counts: Counts, unit: number, key: string, n: number): void {
  let byKey = counts.get(unit);
  if (byKey === undefined) {
    byKey = new Map();
    counts.set(unit, byKey);
  }
  byKey.set(key, (byKey.get(key) ?? 0) + n);
}

/** One tenant's share: hits not pushed yet, this node's pushed hits, and the other nodes' last read. */
class TenantPike implements PikeRemote {
  readonly pending: Counts = new Map();
  readonly pushed: Counts = new Map();
  readonly othersByUnit: Counts = new Map();

  hit(key: string, unit: number): void {
    add(this.pending, unit, key, 1);
  }

  others(key: string, unit: number): number {
    return this.othersByUnit.get(unit)?.get(key) ?? 0;
  }

  /** Forgets units older than the previous one of `unit`. */
  prune(unit: number): void {
    for (const counts of [this.pending, this.pushed, this.othersByUnit])
      for (const u of counts.keys()) if (u < unit - 1) counts.delete(u);
  }
}

export class SharedPike {
  readonly #link: SharedStoreLink;
  readonly #prefix: string;
  readonly #unitMs: number;
  readonly #tenants = new Map<string, TenantPike>();

  constructor(link: SharedStoreLink, prefix: string, store: PikeStore) {
    this.#link = link;
    this.#prefix = prefix;
    this.#unitMs = store.settings.samplingTimeUnit * 1000;
    store.remote = (tenant) => {
      const share = new TenantPike();
      this.#tenants.set(tenant, share);
      return share;
    };
  }

  start(timers: CallbackGuard, syncMs: number): { cancel(): void } {
    let running = false;
    return timers.interval('cluster-pike-push', syncMs, () => {
      if (running) return;
      running = true;
      void this.push().finally(() => {
        running = false;
      });
    });
  }

  /** Pushes every tenant's new hits and reads back the totals of their addresses. */
  async push(): Promise<void> {
    const unitNow = Math.floor(Date.now() / this.#unitMs);
    for (const [tenant, share] of this.#tenants) {
      share.prune(unitNow);
      for (const [unit, hits] of [...share.pending]) {
        share.pending.delete(unit);
        const top = [...hits].sort((a, b) => b[1] - a[1]).slice(0, MAX_PUSHED);
        const args: (string | Buffer)[] = [
          `${pikeBase(this.#prefix, tenant)}${unit}`,
          String(this.#unitMs * 3),
        ];
        for (const [key, n] of top) args.push(key, String(n));
        const answer = await sharedCall(
          this.#link,
          { tenant, op: 'push' },
          (redis) => this.#link.script(redis, PUSH, [], args),
          'share',
        );
        // Without Redis the hits stay this node's only (its own count decides, as on one server).
        if (!answer.ok) continue;
        const totals = answer.value as number[];
        top.forEach(([key, n], i) => {
          add(share.pushed, unit, key, n);
          const mine = share.pushed.get(unit)?.get(key) ?? 0;
          let others = share.othersByUnit.get(unit);
          if (others === undefined) {
            others = new Map();
            share.othersByUnit.set(unit, others);
          }
          others.set(key, Math.max(0, Number(totals[i]) - mine));
        });
      }
    }
  }
}
