// `kemi-wasm serve` gives a load peak's memory back once it is quiet ([memory_release], src/cli/memory-release.ts):
// a real server gets a burst of requests over UDP, then nothing; it logs the release with its resident set
// before and after. With `check_s = 0` the same burst is followed by no release.
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from './harness.ts';

let server: ServerProcess | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function configFile(checkS: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kemi-memory-release-')), 'kemi-wasm.toml');
  writeFileSync(
    file,
    [
      'listen = ["udp:127.0.0.1:0"]',
      'log_level = "info"',
      'log_format = "json"',
      '[memory_release]',
      `check_s = ${checkS}`,
      'quiet_utilization = 0.2',
      'min_growth_mb = 1',
    ].join('\n'),
  );
  return file;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 20 000 OPTIONS with distinct Call-IDs, in batches that leave the loop a moment between them. */
async function burst(port: number): Promise<void> {
  const socket = createSocket('udp4');
  for (let batch = 0; batch < 100; batch++) {
    for (let i = 0; i < 200; i++) {
      const n = batch * 200 + i;
      socket.send(
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKrel${n}\r\n` +
          `Max-Forwards: 70\r\nFrom: <sip:load@127.0.0.1>;tag=r${n}\r\nTo: <sip:127.0.0.1:${port}>\r\n` +
          `Call-ID: release-${n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
        port,
        '127.0.0.1',
      );
    }
    await sleep(5);
  }
  socket.close();
}

const released = (s: ServerProcess) => s.lines.filter((l) => l.msg === 'memory released');

describe('kemi-wasm serve memory release', () => {
  it('releases once quiet after a burst, and logs the resident set before and after', async () => {
    server = await startServerProcess(['--config', configFile(0.5)]);
    await burst(server.ports.udp!);
    const until = Date.now() + 20_000;
    while (released(server).length === 0 && Date.now() < until) await sleep(100);
    const [line] = released(server);
    expect(line).toBeDefined();
    expect(line.rssAfterMb as number).toBeLessThan(line.rssBeforeMb as number);
  });

  it('never releases with check_s = 0', async () => {
    server = await startServerProcess(['--config', configFile(0)]);
    await burst(server.ports.udp!);
    await sleep(3000);
    expect(released(server)).toEqual([]);
  });
});
