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
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runSipp, type SippRun, scenario } from '../fixtures/sipp.ts';
import { startSippUas } from '../fixtures/sipp-uas.ts';
import { buildGuest } from '../src/builder/index.ts';

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
const TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
const dir = mkdtempSync(join(tmpdir(), 'kemi-bench-proxy-'));

/** utime+stime in ms of `pid` and all its descendants (Kamailio forks its workers). */
function cpuMs(pid: number): number {
  let ticks = 0;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const walk = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return (ticks * 1000) / TICKS;
}

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
  const port = await freePort();
  const uasPort = await freePort();
  const adminPort = await freePort();
  const config = join(dir, 'kemi-wasm.toml');
  const collector = trace === 'hep' ? await hepCollector() : undefined;
  writeFileSync(
    config,
    [
      `listen = ["udp:127.0.0.1:${port}"]`,
      `module = "${built.value.out}"`,
      `log_level = "${trace === 'debug' ? 'debug' : 'warn'}"`,
      ...(auth ? ['domains = ["example.test"]'] : []),
      '[defines]',
      `PRIMARY = "sip:127.0.0.1:${uasPort}"`,
      ...(auth ? ['WITH_AUTH = "1"'] : []),
      ...(mode === 'dialog' ? ['WITH_DIALOG = "1"'] : []),
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
    ].join('\n'),
  );
  // Quiet logging, as Kamailio's: no line per reply. So "ready" is not logged: wait for a SIP answer.
  const child = spawn(process.execPath, [join(root, 'bin/kemi-wasm.js'), 'serve', '--config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await answering(port);
    if (mode === 'dialog') {
      const name = 'kemi-wasm (the same example with WITH_DIALOG: dlg_manage per INVITE)';
      return await load(name, child.pid!, port, uasPort);
    }
    if (trace === 'debug')
      return await load(
        'kemi-wasm, trace at log level debug (lines to /dev/null)',
        child.pid!,
        port,
        uasPort,
      );
    if (trace === 'hep') {
      const figures = await load('kemi-wasm, HEP export of all traffic (UDP)', child.pid!, port, uasPort);
      console.log(`  HEP packets received by the collector: ${collector?.packets()}`);
      return figures;
    }
    if (!auth) return await load('kemi-wasm (AssemblyScript proxy example)', child.pid!, port, uasPort);
    const added = await fetch(`http://127.0.0.1:${adminPort}/v1/tenants/default/subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol', domain: 'example.test', password: 'carol-pw' }),
    });
    if (added.status !== 201) throw new Error(`adding the subscriber: ${added.status} ${await added.text()}`);
    const name = 'kemi-wasm (the same example with WITH_AUTH: 407, then digest MD5 per INVITE)';
    return await load(name, child.pid!, port, uasPort, AUTH);
  } finally {
    collector?.close();
    await stop(child, exited);
  }
}

/** Resolves once OPTIONS to 127.0.0.1:port gets an answer (bounded: 30 s). */
async function answering(port: number): Promise<void> {
  const socket = createSocket('udp4');
  const options = (n: number) =>
    Buffer.from(
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKprobe${n}\r\n` +
        `Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:127.0.0.1:${port}>\r\n` +
        `Call-ID: probe${n}\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    );
  try {
    await new Promise<void>((resolve, reject) => {
      let n = 0;
      const timer = setInterval(() => {
        if (++n > 150) {
          clearInterval(timer);
          reject(new Error(`nothing answers on udp 127.0.0.1:${port}`));
        } else socket.send(options(n), port, '127.0.0.1');
      }, 200);
      socket.once('message', () => {
        clearInterval(timer);
        resolve();
      });
    });
  } finally {
    socket.close();
  }
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(kill);
}

/** "Kamailio 5.6.3", from the first line of `kamailio -v` ("version: kamailio 5.6.3 (x86_64/linux)"). */
function kamailioVersion(): string {
  const out = spawnSync('kamailio', ['-v'], { encoding: 'utf8' });
  const version = /^version: kamailio (\S+)/im.exec(`${out.stdout}${out.stderr}`)?.[1];
  if (version === undefined) throw new Error(`kamailio -v: no version in ${out.stdout}${out.stderr}`);
  return `Kamailio ${version}`;
}

async function kamailio(): Promise<Figures> {
  const port = await freePort();
  const uasPort = await freePort();
  const template = readFileSync(join(root, 'bench/kamailio/proxy.cfg'), 'utf8');
  const children = /^children=(\d+)/m.exec(template)?.[1] ?? '?';
  const cfg = template
    .replaceAll('@PORT@', String(port))
    .replaceAll('@PRIMARY@', `sip:127.0.0.1:${uasPort}`)
    .replaceAll('@LUA@', join(root, 'bench/kamailio/proxy.lua'));
  const cfgFile = join(dir, 'kamailio.cfg');
  writeFileSync(cfgFile, cfg);
  const child: ChildProcess = spawn(
    'kamailio',
    ['-f', cfgFile, '-DD', '-E', '-x', 'tlsf', '-m', '256', '-M', '16'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await answering(port).catch((err) => {
      throw new Error(`${err.message}: ${stderr}`);
    });
    return await load(`${kamailioVersion()} (KEMI Lua, ${children} children)`, child.pid!, port, uasPort);
  } finally {
    await stop(child, exited);
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
