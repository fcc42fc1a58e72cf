// Per-tenant logging end to end: a real `kemi-wasm serve` at log level info with two tenants on their own
// UDP sockets. `noisy` writes 300 xlog lines per request; `chatty` has tenants[].log_level = "debug".
// The noisy tenant's lines stop at its budget (log_limit.script_lines) and one line counts the rest, while
// the chatty tenant's lines all come: its debug lines too (its own level), and the message trace's debug
// line for each of its messages, which the noisy tenant (at the server's info) does not get.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Guest } from '../../fixtures/guest.ts';
import { freePort } from '../../fixtures/sipp.ts';
import { type ServerProcess, startServerProcess } from './harness.ts';
import { closeSockets, finalTo, next, request, udpSocket } from './raw-sip.ts';

const NOISY_LINES = 300;
const BUDGET = 50;

function noisyRoute(): Promise<Uint8Array> {
  const g = new Guest();
  g.field('(global $i (mut i32) (i32.const 0))');
  g.route(
    'request-route',
    `(global.set $i (i32.const 0))
     (block $done (loop $next
       (br_if $done (i32.ge_u (global.get $i) (i32.const ${NOISY_LINES})))
       ${g.call('xlog', 'xinfo', ['noisy line'])}
       (global.set $i (i32.add (global.get $i) (i32.const 1)))
       (br $next)))
     ${g.call('xlog', 'xdbg', ['noisy debug'])}
     (drop ${g.call('sl', 'sl-send-reply', [200, 'Noisy'])})`,
  );
  return g.component();
}

function chattyRoute(): Promise<Uint8Array> {
  const g = new Guest();
  g.route(
    'request-route',
    `${g.call('xlog', 'xdbg', ['chatty debug'])}
     ${g.call('xlog', 'xinfo', ['chatty line'])}
     (drop ${g.call('sl', 'sl-send-reply', [200, 'Chatty'])})`,
  );
  return g.component();
}

let server: ServerProcess;
let ports: { noisy: number; chatty: number };

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-tenant-levels-'));
  ports = { noisy: await freePort(), chatty: await freePort() };
  const noisy = join(dir, 'noisy.wasm');
  const chatty = join(dir, 'chatty.wasm');
  writeFileSync(noisy, await noisyRoute());
  writeFileSync(chatty, await chattyRoute());
  const socket = (port: number) => `udp:127.0.0.1:${port}`;
  const config = join(dir, 'kemi.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      listen: [socket(ports.noisy), socket(ports.chatty)],
      log_level: 'info',
      log_limit: { script_lines: BUDGET, interval_s: 3 },
      tenants: [
        { name: 'noisy', match: { sockets: [socket(ports.noisy)] }, module: noisy },
        { name: 'chatty', match: { sockets: [socket(ports.chatty)] }, module: chatty, log_level: 'debug' },
      ],
    }),
  );
  server = await startServerProcess(['--config', config]);
}, 120_000);

afterAll(async () => {
  closeSockets();
  if (server) expect(await server.stop()).toBe(0);
});

describe('per-tenant log level and script line budget', () => {
  it("caps a noisy tenant's lines, counts the rest, and leaves the other tenant's lines alone", async () => {
    const peer = await udpSocket();
    for (const [i, port] of [ports.noisy, ports.noisy, ports.chatty].entries()) {
      const callId = `levels-${i}`;
      const answered = next(peer, finalTo(callId));
      peer.send(request(peer.port, { callId, uri: `sip:x@127.0.0.1:${port}` }), port, '127.0.0.1');
      expect(await answered).toMatch(/^SIP\/2\.0 200 /);
    }
    const msgs = (text: string) => server.lines.filter((l) => l.msg === text);
    // The lines come through a pipe: wait for the last request's.
    const until = Date.now() + 10_000;
    while (Date.now() < until && msgs('chatty line').length === 0)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    expect(msgs('noisy line')).toHaveLength(BUDGET);
    expect(msgs('noisy debug')).toHaveLength(0);
    expect(msgs('chatty line')).toHaveLength(1);
    expect(msgs('chatty debug')).toMatchObject([{ tenant: 'chatty', level: 'debug' }]);
    // The message trace at the chatty tenant's level: its OPTIONS in, its 200 out; none of the noisy's.
    const traced = server.lines.filter((l) => l.layer === 'trace' && typeof l.dir === 'string');
    expect(traced.map((l) => [l.tenant, l.dir, l.what])).toEqual([
      ['chatty', 'in', 'OPTIONS'],
      ['chatty', 'out', '200'],
    ]);
    // At the end of the interval, one line counts what the budget left out.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !server.lines.some((l) => l.logCause === 'noisy/script' && l.suppressed))
      await new Promise((r) => setTimeout(r, 100));
    expect(server.lines.find((l) => l.logCause === 'noisy/script' && l.suppressed)).toMatchObject({
      tenant: 'noisy',
      suppressed: 2 * NOISY_LINES - BUDGET,
    });
  }, 60_000);
});
