// The cost of TLS and WebSocket next to UDP, in one run against one `kemi-wasm serve` (the bundled example
// route, which answers OPTIONS to itself) listening on udp:, tls: and wss: with a throwaway certificate:
// - CPU per request: the same OPTIONS requests, REQUESTS per transport with WINDOW in flight, over UDP, over
//   one TLS connection and over one WSS connection; the server's utime+stime (/proc) per answered request
//   and the ratio to UDP. Two rounds, the first (JIT warm-up) not reported.
// - TLS handshake rate: HANDSHAKES new TLS connections (8 at a time), each closed once secure; handshakes per
//   second of wall time and server CPU per handshake.
//   node_modules/.bin/node bench/transports.ts [--requests 20000] [--window 64] [--handshakes 1000]
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { freePort } from '../fixtures/sipp.ts';
import { createTestCa } from '../fixtures/tls-certs.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const REQUESTS = option('requests', 20_000);
const WINDOW = option('window', 64);
const HANDSHAKES = option('handshakes', 1000);
const TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

const options = (n: number, proto: string, port: number) =>
  `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/${proto} 127.0.0.1:9;rport;branch=z9hG4bKbench${n}\r\n` +
  `Max-Forwards: 70\r\nFrom: <sip:bench@127.0.0.1>;tag=b\r\nTo: <sip:127.0.0.1:${port}>\r\n` +
  `Call-ID: bench${n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;

/** Sends REQUESTS requests with `send`, WINDOW in flight; `wire` makes each reply call the callback it gets. */
async function drive(send: (n: number) => void, wire: (replied: () => void) => void): Promise<number> {
  let sent = 0;
  let answered = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${answered} of ${REQUESTS} answered`)), 120_000);
    wire(() => {
      answered++;
      if (answered === REQUESTS) {
        clearTimeout(timer);
        resolve(answered);
      } else if (sent < REQUESTS) send(sent++);
    });
    while (sent < Math.min(WINDOW, REQUESTS)) send(sent++);
  });
}

/** Counts the SIP responses in a TLS byte stream (each starts with "SIP/2.0 "). */
function countResponses(socket: TLSSocket, replied: () => void): void {
  let tail = '';
  socket.on('data', (chunk: Buffer) => {
    const text = tail + chunk.toString('latin1');
    let i = text.indexOf('SIP/2.0 ');
    let last = 0;
    while (i >= 0) {
      replied();
      last = i + 8;
      i = text.indexOf('SIP/2.0 ', last);
    }
    tail = text.slice(Math.max(last, text.length - 7));
  });
}

async function main(): Promise<void> {
  const ca = createTestCa('bench CA');
  const cert = ca.issue('proxy', { ips: ['127.0.0.1'] });
  const dir = mkdtempSync(join(tmpdir(), 'kemi-bench-transports-'));
  const ports = { udp: await freePort(), tls: await freePort(), wss: await freePort() };
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: [`udp:127.0.0.1:${ports.udp}`, `tls:127.0.0.1:${ports.tls}`, `wss:127.0.0.1:${ports.wss}`],
      log_level: 'warn',
      tls: { certificates: [cert], ca: [ca.caFile], system_ca: false },
      transport: { max_connections_per_ip: 0 },
    }),
  );
  const child = spawn(process.execPath, [join(root, 'bin/kemi-wasm.js'), 'serve', '--config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = child.pid!;
  try {
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    // Wait for the server: OPTIONS until one is answered.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => udp.send(options(0, 'UDP', ports.udp), ports.udp, '127.0.0.1'), 200);
      udp.once('message', () => {
        clearInterval(timer);
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 300));

    const rows: { name: string; ms: number; cpu: number; count: number }[] = [];
    const measure = async (name: string, run: () => Promise<number>) => {
      const before = cpuMs(pid);
      const start = performance.now();
      const count = await run();
      rows.push({ name, ms: performance.now() - start, cpu: cpuMs(pid) - before, count });
    };

    const tls = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: ports.tls, ca: ca.caPem }, () => resolve(s));
      s.once('error', reject);
    });
    const ws = new WebSocket(`wss://127.0.0.1:${ports.wss}`, ['sip'], { ca: ca.caPem });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // Two rounds over the three transports; the first warms the JIT for each path and is not reported.
    let onReply = () => {};
    udp.removeAllListeners('message');
    udp.on('message', () => onReply());
    countResponses(tls, () => onReply());
    ws.on('message', () => onReply());
    const wire = (replied: () => void) => {
      onReply = replied;
    };
    for (let round = 0; round < 2; round++) {
      if (round === 1) rows.length = 0;
      await measure('UDP', () =>
        drive((n) => udp.send(options(n, 'UDP', ports.udp), ports.udp, '127.0.0.1'), wire),
      );
      await measure('TLS (one connection)', () =>
        drive((n) => tls.write(options(n, 'TLS', ports.tls)), wire),
      );
      await measure('WSS (one connection)', () => drive((n) => ws.send(options(n, 'WSS', ports.wss)), wire));
    }
    udp.close();
    tls.destroy();
    ws.close();

    const handshakes = { before: cpuMs(pid), start: performance.now() };
    let done = 0;
    const one = () =>
      new Promise<void>((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port: ports.tls, ca: ca.caPem }, () => {
          s.destroy();
          resolve();
        });
        s.once('error', reject);
      });
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (done < HANDSHAKES) {
          done++;
          await one();
        }
      }),
    );
    const handshakeMs = performance.now() - handshakes.start;
    const handshakeCpu = cpuMs(pid) - handshakes.before;

    const udpRow = rows[0];
    const perRequest = (r: (typeof rows)[number]) => (r.cpu * 1000) / r.count;
    console.log(
      `kemi-wasm serve (bundled example route): ${REQUESTS} OPTIONS per transport, ${WINDOW} in flight`,
    );
    for (const r of rows) {
      const ratio = perRequest(r) / perRequest(udpRow);
      console.log(
        `${r.name.padEnd(22)} ${perRequest(r).toFixed(1).padStart(7)} µs CPU/request  ` +
          `${((r.count * 1000) / r.ms).toFixed(0).padStart(6)} requests/s  x${ratio.toFixed(2)} of UDP`,
      );
    }
    console.log(
      `TLS handshakes         ${((done * 1000) / handshakeMs).toFixed(0)} /s (8 at a time, ${done} in all), ` +
        `${((handshakeCpu * 1000) / done).toFixed(0)} µs server CPU each`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    ca.remove();
  }
}

await main();
