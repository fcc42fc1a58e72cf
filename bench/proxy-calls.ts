// Calls through the proxy at a fixed rate: SIPp (bench UAC) -> proxy -> SIPp (UAS), INVITE/180/200/ACK/
// BYE/200 with Record-Route honoured (fixtures/sipp-scenarios/uac-call.xml, uas-call.xml). First through
// kemi-wasm running the AssemblyScript proxy example, then through the installed Kamailio (its version as
// `kamailio -v` reports it) running the same routing in KEMI Lua (bench/kamailio/), measured in the same run
// as the baseline. Prints SIPp's successful and failed calls, each proxy's CPU time (utime+stime from /proc
// of all its processes) per successful call, and the ratio, only when no call failed on either proxy.
// With --auth, a second kemi-wasm run uses the same example with WITH_AUTH (Kamailio's route[AUTH]): each
// INVITE is challenged (407, ACK), then sent again with MD5 digest credentials of a provisioned subscriber
// (fixtures/sipp-scenarios/uac-auth-call.xml), and its CPU per call is printed next to the plain run's.
// With --dialog, a second kemi-wasm run uses the same example with WITH_DIALOG (every INVITE tracked with
// dlg_manage: its dialog made, followed through 180/200/ACK and ended by the BYE), and its CPU per call is
// printed next to the plain run's, with the ratio: the cost of dialog tracking.
// With --trace, the plain run is repeated with the message trace on: at log level `debug` (one line per
// message received and sent, written to /dev/null), then with `trace.scope = "all"` and a HEP export over
// UDP to a collector socket in this process; each prints its CPU per call and its ratio to the plain run
// (trace off), so the cost of tracing and the noise of the measure (off against off) are both seen.
//   node_modules/.bin/node bench/proxy-calls.ts [--rate 500] [--seconds 20] [--no-kamailio] [--auth] [--dialog] [--trace]
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runSipp, type SippRun, scenario } from '../fixtures/sipp.ts';
import { startSippUas } from '../fixtures/sipp-uas.ts';
import { buildGuest } from '../src/builder/index.ts';
import { processTree, cpuMs as treeCpuMs } from './lib/proc-usage.ts';
import { kamailioChildren, kamailioVersion, startKamailio, startKemiWasm } from './lib/systems.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RATE = option('rate', 500);
const SECONDS = option('seconds', 20);
const CALLS = RATE * SECONDS;
const SIPP = ['-buff_size', '4194304', '-default_behaviors', 'all,-abortunexp'];
const dir = mkdtempSync(join(tmpdir(), 'kemi-bench-proxy-'));

/** utime+stime in ms of `pid` and all its descendants (Kamailio forks its workers). */
const cpuMs = (pid: number) => treeCpuMs(processTree(pid));

interface Figures {
  readonly name: string;
  readonly caller: SippRun;
  readonly callee: SippRun;
  readonly cpuMs: number;
}

/** SIPp's caller: the plain call, or the one that answers a digest challenge as subscriber `carol`. */
const PLAIN = { scenario: 'uac-call.xml', extra: [] as string[] };
const AUTH = {
  scenario: 'uac-auth-call.xml',
  extra: ['-au', 'carol', '-ap', 'carol-pw'],
  service: 'carol',
};

/** Runs the load against a proxy on `port` whose process is `pid`, the UAS on `uasPort`. */
async function load(
  name: string,
  pid: number,
  port: number,
  uasPort: number,
  uac: { scenario: string; extra: string[]; service?: string } = PLAIN,
): Promise<Figures> {
  const callee = await startSippUas(scenario('uas-call.xml'), {
    transport: 'udp',
    port: uasPort,
    calls: CALLS,
    extra: SIPP,
    timeoutSeconds: SECONDS + 60,
  });
  const before = cpuMs(pid);
  const caller = await runSipp(scenario(uac.scenario), {
    transport: 'udp',
    port,
    calls: CALLS,
    rate: RATE,
    service: uac.service,
    extra: [...SIPP, ...uac.extra, '-rate_max', String(RATE)],
    timeoutSeconds: SECONDS + 40,
  });
  const cpu = cpuMs(pid) - before;
  const finished = await Promise.race([
    callee.done,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000)),
  ]);
  return { name, caller, callee: finished ?? (await callee.stop()), cpuMs: cpu };
}

/** The bench's operator token for the admin API (loopback only, this run only). */
const TOKEN = 'bench-operator-token-0123456789';

/** How a kemi-wasm run traces messages: not at all, `debug` lines, or a HEP export of all traffic. */
type TraceVariant = 'off' | 'debug' | 'hep';

/** A UDP socket counting the HEP packets it receives (the bench's collector). */
async function hepCollector(): Promise<{ port: number; packets: () => number; close: () => void }> {
  const socket = createSocket('udp4');
  let packets = 0;
  socket.on('message', () => {
    packets++;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, packets: () => packets, close: () => socket.close() };
}

async function kemiWasm(
  mode: 'plain' | 'auth' | 'dialog' = 'plain',
  trace: TraceVariant = 'off',
): Promise<Figures> {
  const auth = mode === 'auth';
  const built = await buildGuest(join(root, 'guest-examples/assemblyscript/proxy'), {
    out: join(dir, 'proxy.wasm'),
  });
  if (!built.ok) throw new Error(built.error.message);
  const adminPort = await freePort();
  const collector = trace === 'hep' ? await hepCollector() : undefined;
  const server = await startKemiWasm(built.value.out, {
    logLevel: trace === 'debug' ? 'debug' : 'warn',
    toml: [
      ...(auth ? ['domains = ["example.test"]'] : []),
      ...(auth ? ['[admin]', `listen = "127.0.0.1:${adminPort}"`, `operator_token = "${TOKEN}"`] : []),
      ...(collector
        ? [
            '[trace]',
            'scope = "all"',
            '[trace.hep]',
            `address = "127.0.0.1:${collector.port}"`,
            'proto = "udp"',
          ]
        : []),
    ],
    defines: [...(auth ? ['WITH_AUTH = "1"'] : []), ...(mode === 'dialog' ? ['WITH_DIALOG = "1"'] : [])],
  });
  const { pid, port, uasPort } = server;
  try {
    if (mode === 'dialog') {
      const name = 'kemi-wasm (the same example with WITH_DIALOG: dlg_manage per INVITE)';
      return await load(name, pid, port, uasPort);
    }
    if (trace === 'debug')
      return await load('kemi-wasm, trace at log level debug (lines to /dev/null)', pid, port, uasPort);
    if (trace === 'hep') {
      const figures = await load('kemi-wasm, HEP export of all traffic (UDP)', pid, port, uasPort);
      console.log(`  HEP packets received by the collector: ${collector?.packets()}`);
      return figures;
    }
    if (!auth) return await load('kemi-wasm (AssemblyScript proxy example)', pid, port, uasPort);
    const added = await fetch(`http://127.0.0.1:${adminPort}/v1/tenants/default/subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol', domain: 'example.test', password: 'carol-pw' }),
    });
    if (added.status !== 201) throw new Error(`adding the subscriber: ${added.status} ${await added.text()}`);
    const name = 'kemi-wasm (the same example with WITH_AUTH: 407, then digest MD5 per INVITE)';
    return await load(name, pid, port, uasPort, AUTH);
  } finally {
    collector?.close();
    await server.stop();
  }
}

async function kamailio(): Promise<Figures> {
  const server = await startKamailio('lua');
  try {
    const name = `${kamailioVersion()} (KEMI Lua, ${kamailioChildren('lua')} children)`;
    return await load(name, server.pid, server.port, server.uasPort);
  } finally {
    await server.stop();
  }
}

/** Every call of the run went through: the caller and the callee each counted CALLS and no failure. */
const allPassed = (f: Figures) =>
  f.caller.successful === CALLS &&
  f.caller.failed === 0 &&
  f.callee.successful === CALLS &&
  f.callee.failed === 0;

/** CPU per successful call (calls that failed cost the proxy less, or nothing: they are not counted). */
const perCallUs = (f: Figures) => (f.cpuMs * 1000) / f.caller.successful;

function report(f: Figures): string {
  const cpu =
    f.caller.successful > 0
      ? `${(f.cpuMs / 1000).toFixed(2)} s for ${f.caller.successful} successful calls = ${perCallUs(f).toFixed(1)} µs per call`
      : `${(f.cpuMs / 1000).toFixed(2)} s, no successful call`;
  return [
    `${f.name}`,
    `  caller (SIPp uac): ${f.caller.successful} successful, ${f.caller.failed} failed of ${CALLS}`,
    `  callee (SIPp uas): ${f.callee.successful} successful, ${f.callee.failed} failed`,
    `  proxy CPU: ${cpu}`,
  ].join('\n');
}

console.log(
  `${RATE} calls/s for ${SECONDS} s (${CALLS} calls), UDP, INVITE/180/200/ACK/BYE/200 through the proxy`,
);
const ours = await kemiWasm();
console.log(report(ours));
if (args.includes('--auth')) {
  const authenticated = await kemiWasm('auth');
  console.log(report(authenticated));
  if (allPassed(ours) && allPassed(authenticated)) {
    const ratio = perCallUs(authenticated) / perCallUs(ours);
    console.log(`authentication: ${ratio.toFixed(2)}x the CPU per call of the plain run`);
  } else console.log('no ratio: calls failed (see above), so the two runs did not do the same work');
}
if (args.includes('--dialog')) {
  const tracked = await kemiWasm('dialog');
  console.log(report(tracked));
  if (allPassed(ours) && allPassed(tracked)) {
    const ratio = perCallUs(tracked) / perCallUs(ours);
    console.log(
      `dialog tracking: ${perCallUs(tracked).toFixed(1)} µs per call on, ${perCallUs(ours).toFixed(1)} µs off: ` +
        `${ratio.toFixed(2)}x the CPU per call of the plain run`,
    );
  } else console.log('no ratio: calls failed (see above), so the two runs did not do the same work');
}
if (args.includes('--trace')) {
  for (const variant of ['off', 'debug', 'hep'] as const) {
    const traced = await kemiWasm('plain', variant);
    console.log(report(variant === 'off' ? { ...traced, name: `${traced.name}, trace off again` } : traced));
    if (allPassed(ours) && allPassed(traced))
      console.log(
        `  trace ${variant}: ${(perCallUs(traced) / perCallUs(ours)).toFixed(2)}x the CPU per call of the first run (trace off)`,
      );
    else console.log('  no ratio: calls failed (see above), so the runs did not do the same work');
  }
}
if (!args.includes('--no-kamailio')) {
  const theirs = await kamailio();
  console.log(report(theirs));
  if (allPassed(ours) && allPassed(theirs)) {
    const ratio = perCallUs(ours) / perCallUs(theirs);
    console.log(`ratio: kemi-wasm uses ${ratio.toFixed(2)}x the CPU per call of Kamailio`);
  } else {
    console.log('no ratio: calls failed (see above), so the two runs did not do the same work');
  }
}
