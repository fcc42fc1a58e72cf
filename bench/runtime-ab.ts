// A/B of the synchronous route path: the hello example (AssemblyScript and Rust, fast path) on this tree's
// runtime (B) and on another tree's (A, --base DIR: a checkout of the commit to compare with), in one
// process, rounds alternating A and B. Prints ns and CPU ns per route call (medians) and B/A.
//   git archive <commit> src wit package.json | (mkdir -p /tmp/kemi-base && tar -x -C /tmp/kemi-base) && \
//     ln -sfn "$PWD/node_modules" /tmp/kemi-base/node_modules && \
//     node_modules/.bin/node bench/runtime-ab.ts --base /tmp/kemi-base
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildGuest } from '../src/builder/index.ts';
import { ksrModules, type RouteContext } from '../src/kemi/index.ts';
import * as mine from '../src/runtime/index.ts';
import { inviteContexts } from './lib/invite-contexts.ts';

const { values } = parseArgs({ options: { base: { type: 'string' }, rounds: { type: 'string' } } });
if (values.base === undefined) throw new Error('--base DIR: a checkout of the commit to compare with');
const theirs = (await import(resolve(values.base, 'src/runtime/index.ts'))) as typeof mine;
mine.setV8Flags();
const ROUNDS = Number(values.rounds ?? 15);
const PER_ROUND = 20_000;
type Invoke = (ctx: RouteContext) => void;

async function runnerOf(runtime: typeof mine, component: Uint8Array): Promise<Invoke> {
  const engine = new runtime.Engine();
  const compiled = await engine.compile(component, { path: 'fast' });
  await engine.close();
  if (!compiled.ok) throw new Error(compiled.error.message);
  const linked = runtime.createRunner(compiled.value, new runtime.Linker(ksrModules), {
    limits: { deadlineMs: 1000 },
  });
  if (!linked.ok) throw new Error(linked.error.message);
  const runner = linked.value;
  return (ctx) => {
    const outcome = runner.invoke('request-route', ctx);
    if (!outcome.ok) throw new Error(outcome.error.message);
  };
}

/** One round: wall and CPU ns per call. */
function round(invoke: Invoke): [number, number] {
  const batch = inviteContexts(PER_ROUND);
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const ctx of batch) invoke(ctx);
  const wall = Number(process.hrtime.bigint() - t0) / PER_ROUND;
  const used = process.cpuUsage(cpu);
  return [wall, ((used.user + used.system) * 1000) / PER_ROUND];
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const out = mkdtempSync(join(tmpdir(), 'kemi-ab-'));
console.log(
  `hello route (INVITE, 404), ${ROUNDS} rounds x ${PER_ROUND} calls, A = ${values.base}, B = this tree`,
);
for (const [language, dir] of [
  ['AssemblyScript', 'guest-examples/assemblyscript/hello'],
  ['Rust', 'guest-examples/rust/hello'],
] as const) {
  const built = await buildGuest(dir, { out: join(out, `${language}.wasm`) });
  if (!built.ok) throw new Error(built.error.message);
  const a = await runnerOf(theirs, built.value.component);
  const b = await runnerOf(mine, built.value.component);
  const wall: [number[], number[]] = [[], []];
  const cpu: [number[], number[]] = [[], []];
  for (let r = 0; r <= ROUNDS; r++) {
    for (const [i, invoke] of [a, b].entries()) {
      const [w, c] = round(invoke);
      if (r === 0) continue; // warm-up
      wall[i].push(w);
      cpu[i].push(c);
    }
  }
  const [wa, wb, ca, cb] = [median(wall[0]), median(wall[1]), median(cpu[0]), median(cpu[1])];
  console.log(
    `  ${language.padEnd(15)} A ${wa.toFixed(0).padStart(5)} ns (cpu ${ca.toFixed(0).padStart(5)})` +
      `  B ${wb.toFixed(0).padStart(5)} ns (cpu ${cb.toFixed(0).padStart(5)})  B/A wall ${(wb / wa).toFixed(3)} cpu ${(cb / ca).toFixed(3)}`,
  );
}
