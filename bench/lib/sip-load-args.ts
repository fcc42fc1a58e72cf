// The command line of bench/sip-load.ts: the full run by default, `--short` for a quick one printing the
// same table (CI can afford it: under 2 minutes), each figure overridable; `--soak` for the long run at
// half the clean maximum that shows whether memory and CPU per call stay flat (not for CI). Pure: test/bench/.
import { err, ok, type Result } from '../../src/result.ts';

export const SYSTEM_IDS = ['kamailio-native', 'kamailio-lua', 'kemi-as', 'kemi-rust'] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

/**
 * Which kemi-wasm runs: `package` is the server as the npm package ships it (the JavaScript in dist/,
 * built first by scripts/build-package.ts; the package's bin/kemi-wasm.js imports dist/cli/main.js), `clone`
 * a clone's TypeScript sources as bin/kemi-wasm.js runs them there (Node strips the types at load).
 */
export const ENTRIES = ['package', 'clone'] as const;
export type Entry = (typeof ENTRIES)[number];

export interface SoakPlan {
  readonly minutes: number;
  /** Calls/s of the soak; absent: half the highest clean rate of a quick ladder run first. */
  readonly rate?: number;
  /** Seconds between memory samples. */
  readonly sampleSeconds: number;
}

export interface SipLoadPlan {
  readonly systems: readonly SystemId[];
  readonly reps: number;
  /** Seconds of the OPTIONS run and of the fixed-rate call run. */
  readonly seconds: number;
  /** Seconds of OPTIONS at saturation before the measured run, after each start (JIT, caches). */
  readonly warmupSeconds: number;
  /**
   * Outstanding OPTIONS requests at saturation: 100 keeps either proxy busy, and fits the kernel's default
   * UDP receive buffer (212992 bytes, about 160 small datagrams); at 200 a proxy that keeps that default
   * (kemi-wasm today; Kamailio raises its own) loses requests whenever it falls behind.
   */
  readonly concurrency: number;
  /** Calls/s of the fixed-rate run. */
  readonly rate: number;
  /** The ladder's rates, rising. */
  readonly rates: readonly number[];
  readonly stepSeconds: number;
  /** How many of the repetitions (the last ones) climb the ladder. */
  readonly ladderReps: number;
  /** Lines for the top level of kemi-wasm's config (`--workers N` gives `workers = N`). */
  readonly kemiToml: readonly string[];
  readonly kamailioChildren?: number;
  readonly entry: Entry;
  /**
   * Seconds a started system is left alone before its idle memory is read (after kemi-wasm's compile
   * process exited), over which its idle CPU per second is measured.
   */
  readonly idleSeconds: number;
  /** Present for `--soak`: the soak replaces the repetitions. */
  readonly soak?: SoakPlan;
  /** Roughly how long the plan takes, in seconds (the bench's time bound is twice that and a margin). */
  readonly budgetSeconds: number;
}

const FULL = {
  reps: 3,
  seconds: 10,
  warmupSeconds: 2,
  concurrency: 100,
  rate: 500,
  // From 100 cps: CPU per call at the lowest rate against the highest clean one is the flatness figure.
  rates: [100, 250, 500, 1000, 1500, 2000, 3000, 4000],
  stepSeconds: 10,
  ladderReps: 3,
  idleSeconds: 3,
};
const SHORT = {
  reps: 2,
  seconds: 2,
  warmupSeconds: 1,
  concurrency: 100,
  rate: 500,
  // The lowest and the fixed rate, then one beyond: the full ladder's steps between separate the systems.
  rates: [100, 500, 2000],
  stepSeconds: 2,
  ladderReps: 1,
  idleSeconds: 0.5,
};
/** The soak's quick ladder (for its rate) takes the full rates in shorter steps. */
const SOAK = {
  ...FULL,
  stepSeconds: 5,
  systems: ['kemi-as', 'kamailio-lua'],
  minutes: 10,
  sampleSeconds: 10,
};

/** Seconds a start, a stop and SIPp's set-up around one run take besides the measured time. */
const OVERHEAD = 1;
/** The longest kemi-wasm's compile process is waited for after a start (it ends 1 s after its last job). */
export const COMPILE_EXIT_BOUND_SECONDS = 30;
/** After the soak's ladder: timer B (64 × T1 = 32 s) and a margin, so its failed transactions are gone. */
export const AFTER_LADDER_SECONDS = 35;

export function parseSipLoadArgs(args: readonly string[]): Result<SipLoadPlan> {
  const soak = args.includes('--soak');
  if (soak && args.includes('--short')) return err('sip-load: --soak and --short do not go together');
  const base = soak ? SOAK : args.includes('--short') ? SHORT : FULL;
  const values = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--short' || a === '--soak') continue;
    if (!a.startsWith('--') || i + 1 >= args.length) return err(`sip-load: unexpected argument ${a}`);
    values.set(a.slice(2), [...(values.get(a.slice(2)) ?? []), args[++i]]);
  }
  const known = [
    'reps',
    'seconds',
    'warmup-seconds',
    'concurrency',
    'rate',
    'rates',
    'step-seconds',
    'ladder-reps',
    'systems',
    'workers',
    'kemi-toml',
    'kamailio-children',
    'entry',
    'idle-seconds',
    'soak-minutes',
    'soak-rate',
  ];
  for (const key of values.keys()) if (!known.includes(key)) return err(`sip-load: unknown option --${key}`);
  /** Seconds left alone may be a fraction; counts and rates are integers. */
  const fractional = new Set(['idle-seconds']);
  const number = (key: string, fallback: number, min: number): Result<number> => {
    const raw = values.get(key)?.at(-1);
    if (raw === undefined) return ok(fallback);
    const n = Number(raw);
    const whole = fractional.has(key) ? Number.isFinite(n) : Number.isInteger(n);
    return whole && n >= min
      ? ok(n)
      : err(
          `sip-load: --${key} wants ${fractional.has(key) ? 'a number' : 'an integer'} >= ${min}, not ${raw}`,
        );
  };
  const numbers: Record<string, number> = {};
  for (const [key, fallback, min] of [
    ['reps', base.reps, 1],
    ['seconds', base.seconds, 1],
    ['warmup-seconds', base.warmupSeconds, 0],
    ['concurrency', base.concurrency, 1],
    ['rate', base.rate, 1],
    ['step-seconds', base.stepSeconds, 1],
    ['ladder-reps', base.ladderReps, 0],
    ['idle-seconds', base.idleSeconds, 0],
    ['soak-minutes', SOAK.minutes, 2],
    ['soak-rate', 0, 1],
  ] as const) {
    const n = number(key, fallback, min);
    if (!n.ok) return n;
    numbers[key] = n.value;
  }
  const rates = (values.get('rates')?.at(-1) ?? base.rates.join(',')).split(',').map(Number);
  if (rates.some((r) => !Number.isInteger(r) || r < 1) || rates.some((r, i) => i > 0 && r <= rates[i - 1]))
    return err('sip-load: --rates wants rising positive integers, e.g. 500,1000,2000');
  for (const key of ['soak-minutes', 'soak-rate'])
    if (values.has(key) && !soak) return err(`sip-load: --${key} goes with --soak`);
  const entry = values.get('entry')?.at(-1) ?? 'package';
  if (!(ENTRIES as readonly string[]).includes(entry))
    return err(`sip-load: --entry takes ${ENTRIES.join(' or ')}, not ${entry}`);
  const defaultSystems = soak ? SOAK.systems : SYSTEM_IDS;
  const systems = (values.get('systems')?.at(-1) ?? defaultSystems.join(',')).split(',');
  const unknown = systems.filter((s) => !(SYSTEM_IDS as readonly string[]).includes(s));
  if (unknown.length > 0 || systems.length === 0)
    return err(`sip-load: --systems takes some of ${SYSTEM_IDS.join(',')}; not ${unknown.join(',')}`);
  const workers = number('workers', 0, 1);
  if (!workers.ok) return workers;
  const children = number('kamailio-children', 0, 1);
  if (!children.ok) return children;
  const kemiToml = [
    ...(values.has('workers') ? [`workers = ${workers.value}`] : []),
    ...(values.get('kemi-toml') ?? []),
  ];
  const reps = numbers.reps;
  const ladderReps = Math.min(reps, numbers['ladder-reps']);
  const seconds = numbers.seconds;
  // A start and the callee's, OPTIONS (warm-up, measure, a second more), calls (warm-up and measure), each
  // SIPp run with its overhead; the ladder's step at the fixed rate is the fixed-rate run.
  const perRun =
    2 * OVERHEAD + numbers['warmup-seconds'] + seconds + 1 + OVERHEAD + numbers['warmup-seconds'] + seconds;
  const perLadder = rates.filter((r) => r !== numbers.rate).length * (numbers['step-seconds'] + OVERHEAD);
  // Left alone after each start, and for kemi-wasm first its compile process's end (1 s after its job).
  const idleOf = (id: string) => numbers['idle-seconds'] + (id.startsWith('kemi') ? OVERHEAD : 0);
  const soakPlan: SoakPlan | undefined = soak
    ? {
        minutes: numbers['soak-minutes'],
        ...(values.has('soak-rate') && { rate: numbers['soak-rate'] }),
        sampleSeconds: SOAK.sampleSeconds,
      }
    : undefined;
  // The soak: a start, the quick ladder unless the rate is given, then one SIPp run per minute.
  const perSoak = soakPlan
    ? (soakPlan.rate === undefined
        ? rates.length * (numbers['step-seconds'] + OVERHEAD) + AFTER_LADDER_SECONDS
        : 0) +
      soakPlan.minutes * (60 + OVERHEAD)
    : 0;
  const budgetSeconds = Math.ceil(
    systems.reduce(
      (sum, id) =>
        sum + (soakPlan ? idleOf(id) + perSoak : reps * (perRun + idleOf(id)) + ladderReps * perLadder),
      0,
    ),
  );
  return ok({
    systems: systems as SystemId[],
    reps,
    seconds,
    warmupSeconds: numbers['warmup-seconds'],
    concurrency: numbers.concurrency,
    rate: numbers.rate,
    rates,
    stepSeconds: numbers['step-seconds'],
    ladderReps,
    kemiToml,
    kamailioChildren: values.has('kamailio-children') ? children.value : undefined,
    entry: entry as Entry,
    idleSeconds: numbers['idle-seconds'],
    ...(soakPlan && { soak: soakPlan }),
    budgetSeconds,
  });
}
