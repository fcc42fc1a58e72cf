// Accounting writes against the event loop: records queued by a burst of answered calls are inserted by
// the store on its own, FLUSH_BATCH per turn (src/state/acc-store.ts), in acc.db on disk. Prints, per burst,
// the time to queue it (what the message path pays), the time to drain it and the longest event-loop turn
// while it drains (what every other message may wait).
//   node_modules/.bin/node bench/acc-store.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACC_BASIC_EXTRA, parseExtra } from '../src/config/acc-schema.ts';
import { type AccRecord, AccStore } from '../src/state/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-bench-acc-'));
const opened = AccStore.open({ dir, maxRowsPerTenant: 1_000_000 });
if (!opened.ok) throw new Error(opened.error);
const store = opened.value;
const extra = Object.fromEntries(parseExtra(ACC_BASIC_EXTRA).map(([column]) => [column, `${column}-value`]));
const record = (i: number): AccRecord => ({
  method: 'INVITE',
  fromTag: `from-${i}`,
  toTag: `to-${i}`,
  callId: `call-${i}@bench`,
  sipCode: '200',
  sipReason: 'OK',
  time: Date.now(),
  extra,
});
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

for (const burst of [100, 1_000, 10_000]) {
  const queuedAt = performance.now();
  for (let i = 0; i < burst; i++) store.write('bench', 'acc', record(i));
  const queued = performance.now() - queuedAt;
  let longest = 0;
  const drainAt = performance.now();
  while (store.pending > 0) {
    const before = performance.now();
    await turn();
    longest = Math.max(longest, performance.now() - before);
  }
  const drained = performance.now() - drainAt;
  console.log(
    `${burst} records: queued in ${queued.toFixed(2)} ms; drained in ${drained.toFixed(1)} ms, ` +
      `longest event-loop turn ${longest.toFixed(2)} ms`,
  );
}
store.close();
rmSync(dir, { recursive: true, force: true });
