// A hostile JavaScript route under a real `kemi-wasm serve`: an endless `while (true) {}` and a memory bomb
// in request_route are stopped (the route deadline, checked at the fuel checkpoints inside SpiderMonkey's
// interpreter, or the memory cap on its linear memory), answered per the failure policy (fail-closed: 500),
// and the server goes on answering the same route's other requests.
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExample, UNMEASURED_START_MS } from '../../fixtures/built-guest.ts';
import type { ServerProcess } from './harness.ts';
import { startRouteServer } from './helpers/route-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-js-hostile-'));
const ROUTE = `import { KSR } from 'kemi-wasm/ksr';

export function request_route() {
  const user = KSR.pv.gete('$rU');
  if (user === 'loop') {
    while (true) {}
  }
  if (user === 'bomb') {
    const hoard = [];
    while (true) hoard.push(new Uint8Array(1 << 20));
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
  const built = await buildExample(join(dir, 'route'), dir, 'hostile');
  // The default limits: 64 MiB of memory (StarlingMonkey starts with about 10 MiB of its own), the
  // JavaScript deadline (100 ms) and fuel budget.
  server = await startRouteServer(built, ['--listen', 'udp:127.0.0.1:0', '--module', built.out]);
  socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
}, 240_000 + UNMEASURED_START_MS);

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

/** The server's `route failed` line for a request, once it is logged (it may come after the reply). */
async function failureOf(user: string): Promise<Record<string, unknown>> {
  const callId = `js-hostile-${sequence}@127.0.0.1`;
  for (let waited = 0; waited < 5000; waited += 50) {
    const line = server.lines.find(
      (l) => l.msg?.toString().startsWith('route failed') && l.callId === callId,
    );
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no route failure logged for ${user}`);
}

describe('a JavaScript route', () => {
  it('answers an ordinary request', async () => {
    expect(await options('alice')).toBe('SIP/2.0 200 Still here');
  });

  it('stuck in while (true) {} is stopped, answered 500, and the route keeps serving', async () => {
    expect(await options('loop')).toBe('SIP/2.0 500 Server Internal Error');
    // The JavaScript fuel budget (7-22 ms of CPU), or the deadline (100 ms) on a starved machine.
    expect((await failureOf('loop')).cause).toMatch(/^(deadline|fuel)$/);
    expect(await options('alice')).toBe('SIP/2.0 200 Still here');
    expect(await options('loop')).toBe('SIP/2.0 500 Server Internal Error');
    expect(await options('bob')).toBe('SIP/2.0 200 Still here');
  });

  it('that allocates without end is stopped, answered 500, and the route keeps serving', async () => {
    expect(await options('bomb')).toBe('SIP/2.0 500 Server Internal Error');
    // Either memory.grow is refused at the 64 MiB cap (SpiderMonkey's out-of-memory then ends the route),
    // or, as measured here, SpiderMonkey's collections as its heap grows take it past the deadline first.
    expect((await failureOf('bomb')).cause).toMatch(/^(memory|trap|deadline)$/);
    expect(await options('carol')).toBe('SIP/2.0 200 Still here');
  });
});
