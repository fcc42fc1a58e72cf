// The primary thread with two real SIP worker threads, in this process: a worker thread that dies is started
// again with the versions of the moment, and the server goes on answering on the shared socket meanwhile.
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../fixtures/sipp.ts';
import { buildGuest } from '../../src/builder/index.ts';
import { validateConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/logger.ts';
import { startThreads, type Threads } from '../../src/workers/primary.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-workers-'));
let threads: Threads;
let port: number;

beforeAll(async () => {
  const built = await buildGuest('guest-examples/assemblyscript/proxy', { out: join(dir, 'proxy.wasm') });
  if (!built.ok) throw new Error(built.error.message);
  port = await freePort();
  const config = validateConfig({
    workers: 2,
    listen: [`udp:127.0.0.1:${port}`],
    data_dir: dir,
    module: built.value.out,
    log_level: 'silent',
  });
  if (!config.ok) throw new Error(config.error);
  const started = await startThreads(config.value, silentLogger, 2);
  if (!started.ok) throw new Error(started.error);
  threads = started.value;
}, 120_000);

afterAll(async () => {
  await threads?.close();
});

/** Keepalive OPTIONS from `senders` sockets of their own (so over both workers): how many got 200. */
async function keepalives(senders: number): Promise<number> {
  const answered = await Promise.all(
    Array.from({ length: senders }, (_, i) => {
      const socket = createSocket('udp4');
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          socket.close();
          resolve(false);
        }, 3000);
        socket.on('message', (m) => {
          clearTimeout(timer);
          socket.close();
          resolve(m.toString().startsWith('SIP/2.0 200'));
        });
        socket.bind(0, '127.0.0.1', () => {
          const local = socket.address().port;
          const options = [
            `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
            `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-restart-${i}-${Date.now()}`,
            `From: <sip:probe@127.0.0.1>;tag=${i}`,
            `To: <sip:127.0.0.1:${port}>`,
            `Call-ID: restart-${i}-${Date.now()}@127.0.0.1`,
            'CSeq: 1 OPTIONS',
            'Max-Forwards: 70',
            'Content-Length: 0',
            '',
            '',
          ].join('\r\n');
          socket.send(options, port, '127.0.0.1');
        });
      });
    }),
  );
  return answered.filter(Boolean).length;
}

describe('SIP worker threads', () => {
  it('start a dead worker again, and answer throughout', async () => {
    expect(await keepalives(20)).toBe(20);
    const [first, second] = threads.workers();
    expect(second).toBeDefined();
    await first.terminate();
    // The kernel hashes the flows over the sockets left: the other worker answers them all.
    expect(threads.workers()).toEqual([second]);
    expect(await keepalives(20)).toBe(20);
    const deadline = Date.now() + 20_000;
    while (threads.workers().length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const restarted = threads.workers();
    expect(restarted).toHaveLength(2);
    expect(restarted).toContain(second);
    expect(restarted).not.toContain(first);
    expect(await keepalives(40)).toBe(40);
  }, 60_000);
});
