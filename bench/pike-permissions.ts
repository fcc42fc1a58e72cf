// pike and permissions lookup cost, measured in the same run against a baseline.
//
//   node_modules/.bin/node bench/pike-permissions.ts
//
// - pike, one address: pike_check on the same source (steady traffic from a known peer).
// - pike, random addresses: every check a new IPv4 address at the default cap (100 000 per tenant): the
//   flood of random sources the cap exists for; memory stays at the cap (two generations).
// - permissions: allow_source_address against a table of 10 000 rows (5 000 hosts, 5 000 ranges of 8
//   prefix lengths), a hit and a miss.
// Baseline: one Map get + set per check with the same string keys (the least any per-address table costs).
// Each case runs 5 rounds after a warm-up; the median round is reported in ns per check.
import { AddressStore, PIKE_DEFAULTS, PikeTable, parseIp } from '../src/state/index.ts';

const N = 200_000;
let sink = 0;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(run: () => void, count = N): number {
  run();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    run();
    rounds.push(((performance.now() - t0) * 1e6) / count);
  }
  return median(rounds);
}

let seed = 1;
const randomIps = Array.from({ length: N }, () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return { family: 4 as const, value: BigInt(seed) };
});

const baselineMap = new Map<string, number>();
const baseline = measure(() => {
  for (const ip of randomIps) {
    const key = `${ip.family}:${ip.value}`;
    baselineMap.set(key, (baselineMap.get(key) ?? 0) + 1);
    if (baselineMap.size > PIKE_DEFAULTS.maxEntries) baselineMap.clear();
  }
});

let now = 0;
const one = new PikeTable({ ...PIKE_DEFAULTS, reqsDensityPerUnit: 65_534 }, () => now);
const source = parseIp('192.0.2.1')!;
const pikeOne = measure(() => {
  for (let i = 0; i < N; i++) {
    now += 0.01;
    sink += one.check(source);
  }
});

const flood = new PikeTable(PIKE_DEFAULTS, () => now);
const pikeRandom = measure(() => {
  for (const ip of randomIps) sink += flood.check(ip);
});

const opened = AddressStore.open({ dir: undefined, maxPerTenant: 20_000 });
if (!opened.ok) throw new Error(opened.error);
const store = opened.value;
const rows = [];
for (let i = 0; i < 5000; i++) rows.push({ group: 1 + (i % 4), address: `10.${i >> 8}.${i & 255}.1` });
for (let i = 0; i < 5000; i++) {
  // 8 prefix lengths (/16 to /23) whose networks differ within their first 16 bits.
  const first = 20 + (i % 8) + 8 * (i >> 11);
  rows.push({ group: 1 + (i % 4), address: `${first}.${(i >> 3) & 255}.0.0/${16 + (i % 8)}` });
}
const added = store.addMany('bench', rows);
if (!added.ok) throw new Error(added.error.message);
const index = store.index('bench');
const hit = parseIp('10.3.7.1')!;
const miss = parseIp('198.51.100.7')!;
const permHit = measure(() => {
  for (let i = 0; i < N; i++) sink += index.match(4, hit, 5060) ? 1 : 0;
});
const permMiss = measure(() => {
  for (let i = 0; i < N; i++) sink += index.match(1, miss, 5060) ? 1 : 0;
});

const line = (name: string, ns: number) =>
  `${name.padEnd(44)} ${ns.toFixed(0).padStart(6)} ns/check  ${(ns / baseline).toFixed(2)}x baseline`;
console.log(line('baseline: Map get+set, random keys', baseline));
console.log(line('pike: one address', pikeOne));
console.log(line('pike: random addresses (cap 100 000)', pikeRandom));
console.log(`  pike table held ${flood.size} addresses after ${6 * N} random ones`);
console.log(line('permissions: 10 000 rows, hit', permHit));
console.log(line('permissions: 10 000 rows, miss', permMiss));
if (sink === 0.5) console.log(sink);
