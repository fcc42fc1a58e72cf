// What a proxied INVITE transaction keeps on the heap while it lingers after its 200 (timer L, Kamailio's
// wait timer: 5 s, so thousands at once at 500 calls/s, each object copied by the young generation and
// promoted): objects and bytes per transaction by V8 node type (closures and their contexts apart), from
// heap snapshots before and after `--calls` transactions, in this checkout and in another (`--base`),
// each in a child process of its own. In-process: the router and tm layer through
// test/router/proxy-harness.ts (virtual clock, nothing sent), a record-routed relay to one address.
// The test harness's virtual clock makes a closure per timer (its `cancel`); the server's timers do not.
//   node_modules/.bin/node bench/lingering-objects.ts --base /work/main [--calls 2000]
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const CALLS = Number(option('calls') ?? 2000);
const here = fileURLToPath(new URL('../', import.meta.url));

type Counts = Record<string, { objects: number; bytes: number }>;

const child = option('child');
if (child !== undefined) {
  process.stdout.write(JSON.stringify(await measure(child)));
} else {
  const base = option('base');
  if (base === undefined) throw new Error('usage: lingering-objects.ts --base <checkout> [--calls N]');
  const run = (tree: string): Counts =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), '--child', tree, '--calls', String(CALLS)],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      ),
    );
  const [a, b] = [run(base), run(here)];
  console.log(`A = ${base}, B = ${here}; per lingering INVITE transaction, ${CALLS} of them`);
  const types = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (t) => Math.abs(a[t]?.objects ?? 0) >= 0.5 || Math.abs(b[t]?.objects ?? 0) >= 0.5,
  );
  const row = (
    name: string,
    x?: { objects: number; bytes: number },
    y?: { objects: number; bytes: number },
  ) =>
    console.log(
      `${name.padEnd(20)} A ${(x?.objects ?? 0).toFixed(1).padStart(6)} objects ${(x?.bytes ?? 0).toFixed(0).padStart(6)} B  B ${(y?.objects ?? 0).toFixed(1).padStart(6)} objects ${(y?.bytes ?? 0).toFixed(0).padStart(6)} B`,
    );
  for (const t of types) row(t, a[t], b[t]);
  const total = (c: Counts) =>
    Object.values(c).reduce((s, v) => ({ objects: s.objects + v.objects, bytes: s.bytes + v.bytes }), {
      objects: 0,
      bytes: 0,
    });
  row('total', total(a), total(b));
}

/** Objects and bytes per lingering transaction, by node type, in `tree`'s router and tm layer. */
async function measure(tree: string): Promise<Counts> {
  const h = await import(pathToFileURL(join(tree, 'test/router/proxy-harness.ts')).href);
  const script = h.jsScript({
    request: (_ctx: unknown, ksr: (...a: string[]) => unknown) => {
      ksr('core', 'setdsturi', 'sip:192.0.2.20');
      ksr('rr', 'record-route');
      ksr('tm', 't-relay');
    },
  });
  const proxy = h.proxyHarness({ script });
  const call = (i: number) => {
    proxy.receive(h.uacRequest('INVITE', { branch: `z9hG4bK-c${i}` }));
    const sent = proxy.sentTo('192.0.2.20');
    const invite = sent[sent.length - 1];
    proxy.receive(h.calleeResponse(invite.message, 200, 'OK', `t${i}`), {
      address: '192.0.2.20',
      port: 5060,
    });
    proxy.transport.sent.length = 0; // the harness's record of what was sent is not the transaction's
  };
  for (let i = 0; i < 200; i++) call(i); // warm-up, and every lazily made shared object made
  await proxy.settle();
  const before = heapCounts();
  for (let i = 200; i < 200 + CALLS; i++) call(i);
  await proxy.settle();
  const after = heapCounts();
  const out: Counts = {};
  for (const [type, v] of Object.entries(after)) {
    out[type] = {
      objects: (v.objects - (before[type]?.objects ?? 0)) / CALLS,
      bytes: (v.bytes - (before[type]?.bytes ?? 0)) / CALLS,
    };
  }
  return out;
}

/** Live objects and their bytes by node type (V8's contexts apart from other objects), after full GCs. */
function heapCounts(): Counts {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  gc();
  const file = writeHeapSnapshot(join(tmpdir(), `lingering-objects-${process.pid}.heapsnapshot`));
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  const fields: string[] = snapshot.snapshot.meta.node_fields;
  const typeNames: string[] = snapshot.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const nodes: number[] = snapshot.nodes;
  const counts: Counts = {};
  for (let i = 0; i < nodes.length; i += fields.length) {
    let t = typeNames[nodes[i + type]];
    if (t === 'object' && snapshot.strings[nodes[i + name]] === 'system / Context') t = 'context';
    counts[t] ??= { objects: 0, bytes: 0 };
    counts[t].objects++;
    counts[t].bytes += nodes[i + size];
  }
  return counts;
}
