// A hostile JavaScript route under a real `kemi-wasm serve`: an endless `while (true) {}` and a memory bomb
// in request_route are stopped (the route deadline, checked at the fuel checkpoints inside SpiderMonkey's
// interpreter; the memory cap on its linear memory), answered per the failure policy (fail-closed: 500),
// and the server goes on answering the same route's other requests.
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-js-hostile-'));
const ROUTE = `import { KSR } from 'kemi-wasm/ksr';

export function request_route() {
  const user = KSR.pv.gete('$rU');
  if (user === 'loop') {
    while (true) {}
  }
  if (user === 'bomb') {
    const hoard = [];
    while (true) hoard.push(new Array(1 << 16).fill(hoard.length));
  }
  KSR.sl.sl_send_reply(200, 'Still here');
}

export function reply_route() {}

export function named_route(name) {}
`;

let server: ServerProcess;
let socket: DgramSocket;

beforeAll(async () => {
  mkdirSync(join(dir, 'route'));
  writeFileSync(join(dir, 'route', 'package.json'), JSON.stringify({ name: 'hostile-js', type: 'module' }));
  writeFileSync(join(dir, 'route', 'index.js'), ROUTE);
  const built = await buildGuest(join(dir, 'route'), { out: join(dir, 'hostile.wasm') });
  if (!built.ok) throw new Error(`${built.error.message}\n${built.error.output ?? ''}`);
  // The default limits: 64 MiB of memory (StarlingMonkey starts with about 10 MiB of its own), a 20 ms
  // deadline, the JavaScript fuel budget.
  server = await startServerProcess(['--listen', 'udp:127.0.0.1:0', '--module', built.value.out], 120_000);
  socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
}, 240_000);

afterAll(async () => {
  socket?.close();
  expect(await server?.stop()).toBe(0);
});

let sequence = 0;
/** Sends an OPTIONS to `user` and resolves with the status line of the final reply. */
function options(user: string): Promise<string> {
  const n = ++sequence;
  const callId = `js-hostile-${n}@127.0.0.1`;
  const port = server.ports.udp!;
  const text = [
    `OPTIONS sip:${user}@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${socket.address().port};branch=z9hG4bK-js-${n}`,
    'Max-Forwards: 70',
    'From: <sip:tester@127.0.0.1>;tag=t1',
    `To: <sip:${user}@127.0.0.1>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${user}`)), 10_000);
    const onMessage = (msg: Buffer) => {
      const reply = msg.toString('latin1');
      if (!reply.includes(callId)) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(reply.split('\r\n')[0]);
    };
    socket.on('message', onMessage);
    socket.send(text, port, '127.0.0.1');
  });
}

function failures(cause: string): Record<string, unknown>[] {
  return server.lines.filter((l) => l.msg?.toString().startsWith('route failed') && l.cause === cause);
}

describe('a JavaScript route', () => {
  it('answers an ordinary request', async () => {
    expect(await options('alice')).toBe('SIP/2.0 200 Still here');
  });

  it('stuck in while (true) {} is stopped, answered 500, and the route keeps serving', async () => {
    expect(await options('loop')).toBe('SIP/2.0 500 Server Internal Error');
    const stopped = [...failures('deadline'), ...failures('fuel')];
    expect(stopped.length).toBe(1);
    expect(await options('alice')).toBe('SIP/2.0 200 Still here');
    expect(await options('loop')).toBe('SIP/2.0 500 Server Internal Error');
    expect(await options('bob')).toBe('SIP/2.0 200 Still here');
  });

  it('that allocates without end is stopped at the memory cap, answered 500, and the route keeps serving', async () => {
    expect(await options('bomb')).toBe('SIP/2.0 500 Server Internal Error');
    const failed = server.lines.filter(
      (l) => l.msg?.toString().startsWith('route failed') && l.callId?.toString().startsWith('js-hostile-'),
    );
    expect(failed.at(-1)?.cause).toMatch(/^(memory|trap)$/);
    expect(await options('carol')).toBe('SIP/2.0 200 Still here');
  });
});
