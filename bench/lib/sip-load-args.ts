// The command line of bench/sip-load.ts: the full run by default, `--short` for a quick one printing the
// same table (CI can afford it: under 2 minutes), each figure overridable. Pure: test/bench/.
import { err, ok, type Result } from '../../src/result.ts';

export const SYSTEM_IDS = ['kamailio-native', 'kamailio-lua', 'kemi-as', 'kemi-rust'] as const;
export type SystemId = (typeof SYSTEM_IDS)[number];

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
  /** Roughly how long the plan takes, in seconds (the bench's time bound is twice that and a margin). */
  readonly budgetSeconds: number;
}

const FULL = {
  reps: 3,
  seconds: 10,
  warmupSeconds: 2,
  concurrency: 100,
  rate: 500,
  rates: [500, 1000, 1500, 2000, 3000, 4000],
  stepSeconds: 10,
  ladderReps: 3,
};
const SHORT = {
  reps: 2,
  seconds: 2,
  warmupSeconds: 1,
  concurrency: 100,
  rate: 500,
  rates: [500, 1000, 2000],
  stepSeconds: 2,
  ladderReps: 1,
};

/** Seconds a start, a stop and SIPp's set-up around one run take besides the measured time. */
const OVERHEAD = 1;

export function parseSipLoadArgs(args: readonly string[]): Result<SipLoadPlan> {
  const base = args.includes('--short') ? SHORT : FULL;
  const values = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--short') continue;
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
  ];
  for (const key of values.keys()) if (!known.includes(key)) return err(`sip-load: unknown option --${key}`);
  const number = (key: string, fallback: number, min: number): Result<number> => {
    const raw = values.get(key)?.at(-1);
    if (raw === undefined) return ok(fallback);
    const n = Number(raw);
    return Number.isInteger(n) && n >= min
      ? ok(n)
      : err(`sip-load: --${key} wants an integer >= ${min}, not ${raw}`);
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
  ] as const) {
    const n = number(key, fallback, min);
    if (!n.ok) return n;
    numbers[key] = n.value;
  }
  const rates = (values.get('rates')?.at(-1) ?? base.rates.join(',')).split(',').map(Number);
  if (rates.some((r) => !Number.isInteger(r) || r < 1) || rates.some((r, i) => i > 0 && r <= rates[i - 1]))
    return err('sip-load: --rates wants rising positive integers, e.g. 500,1000,2000');
  const systems = (values.get('systems')?.at(-1) ?? SYSTEM_IDS.join(',')).split(',');
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
  // A start, OPTIONS (warm-up and measure), calls (warm-up and measure), each with its overhead; the
  // ladder's first step may be the fixed-rate run.
  const perRun =
    2 * OVERHEAD +
    numbers['warmup-seconds'] +
    seconds +
    1 +
    2 * OVERHEAD +
    numbers['warmup-seconds'] +
    seconds;
  const perLadder = rates.filter((r) => r !== numbers.rate).length * (numbers['step-seconds'] + OVERHEAD);
  const budgetSeconds = Math.ceil(systems.length * (reps * perRun + ladderReps * perLadder));
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
    budgetSeconds,
  });
}
