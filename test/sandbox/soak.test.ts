// The process survives hostile routes run many times in a row: 200 failing invocations (memory bombs that
// fill an 8 MiB cap, traps, fuel exhaustion, bad pointers, log floods) leave no instances or memory behind,
// and a neighbour tenant still answers afterwards.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attackContext,
  buildAll,
  expectNeighbourServes,
  fullGc,
  HELLO,
  HOSTILE,
  LANGUAGES,
  type Language,
  MiB,
  tenant,
} from './helpers.ts';

const ROUNDS = 200;
const ROTATION = ['memory-bomb', 'trap-unreachable', 'infinite-loop', 'bogus-pointer', 'log-flood'] as const;

/** Heap plus memory outside it (wasm memories, buffers), in bytes. */
function memoryInUse(): number {
  fullGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

let hostile: Record<Language, Uint8Array>;
let hello: Uint8Array;

beforeAll(async () => {
  const built = await buildAll({
    as: HOSTILE.assemblyscript,
    rust: HOSTILE.rust,
    hello: HELLO.rust,
  });
  hostile = { assemblyscript: built.as, rust: built.rust };
  hello = built.hello;
}, 180_000);

describe.each(LANGUAGES)('%s hostile routes run 200 times in a row', (language) => {
  it('leave no instance or memory behind', async () => {
    const neighbour = await tenant(hello);
    const runner = await tenant(hostile[language], {
      compile: { limits: { maxMemoryBytes: 8 * MiB } },
      // Enough for Rust to fill 8 MiB byte by byte (no bulk memory in Rust 1.63's wasm32 target) and for
      // AssemblyScript to encode its log lines; the infinite loop spends it all (about 30 ms). The deadline
      // is out of the way: this test counts what each attack ends on, not how long it takes.
      limits: { fuel: 60_000_000, deadlineMs: 60_000 },
    });
    const run = (i: number) => {
      const { ctx } = attackContext(ROTATION[i % ROTATION.length], runner);
      return runner.invoke('request-route', ctx);
    };
    // Warm-up: compiled code, caches and the first instances exist before the baseline is taken.
    for (let i = 0; i < ROTATION.length * 2; i++) run(i);
    const before = memoryInUse();
    const causes = new Map<string, number>();
    for (let i = 0; i < ROUNDS; i++) {
      const outcome = run(i);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) causes.set(outcome.error.cause, (causes.get(outcome.error.cause) ?? 0) + 1);
    }
    const grown = memoryInUse() - before;

    expect(Object.fromEntries(causes)).toEqual({ memory: 40, trap: 80, fuel: 40, limit: 40 });
    // Every failure discarded its instance and the next invocation made one: one live instance at most.
    expect(runner.stats.instances).toBe(runner.stats.invocations);
    expect(runner.stats.failures).toBe(runner.stats.invocations);
    // 40 memory bombs filled 8 MiB each (320 MiB in all); what stays is far below a single leak per bomb.
    expect(grown).toBeLessThan(24 * MiB);
    expectNeighbourServes(neighbour);
  });
});

describe.each(LANGUAGES)('%s pv-name-hoard (20 new pv names of 1 MB per invocation)', (language) => {
  it('leaves nothing in the host across invocations', async () => {
    // Room for the 20 MB of names (maxArgumentBytes would stop the route at the fifth).
    // No deadline in the way: what is measured is what stays behind, not the time 20 MB of names take.
    const runner = await tenant(hostile[language], {
      limits: { maxArgumentBytes: 64 * MiB, deadlineMs: 60_000 },
    });
    const before = memoryInUse();
    for (let i = 0; i < 10; i++) {
      const { ctx } = attackContext('pv-name-hoard', runner);
      expect(runner.invoke('request-route', ctx)).toEqual({ ok: true });
    }
    // A cache of names kept every one: about 190 MiB here, and 4 GiB at its 4096 entries.
    expect(memoryInUse() - before).toBeLessThan(16 * MiB);
  });
});
