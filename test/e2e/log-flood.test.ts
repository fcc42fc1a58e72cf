// Log flood (issue 11): a peer sends 2000 unparseable datagrams; each used to write a warn line, so a flood
// filled the disk at line rate. With the per-cause rate limit the server writes a few lines and one
// "suppressed K lines" summary per interval, while its counters count every datagram. The attacker is a raw
// UDP socket on loopback; the server is stopped by PID.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const DATAGRAMS = 2000;
const LINES = 5;
const INTERVAL_S = 1;

let server: RegistryServer;
let attacker: Socket;

async function metrics(): Promise<string[]> {
  const res = await fetch(`${server.adminUrl}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  return (await res.text()).split('\n');
}

/** The sum of a counter over all its label values. */
function total(lines: string[], name: string): number {
  return lines
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

beforeAll(async () => {
  server = await startRegistryServer({
    listen: ['udp:127.0.0.1:0'],
    log_limit: { lines: LINES, interval_s: INTERVAL_S },
  });
  attacker = createSocket('udp4');
  await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', r));
}, 120_000);

afterAll(async () => {
  if (attacker) await new Promise<void>((r) => attacker.close(() => r()));
  expect(await server?.process.stop()).toBe(0);
});

describe('log flood', () => {
  it('writes a bounded number of lines for 2000 garbage datagrams, with a suppressed-count line', async () => {
    const port = server.process.ports.udp!;
    const before = server.process.lines.length;
    const started = Date.now();
    for (let i = 0; i < DATAGRAMS; i++) {
      await new Promise<void>((resolve, reject) =>
        attacker.send(`garbage ${i} \x01\x02\r\n\r\n`, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
      // Paced in small batches so the loopback socket buffer never drops one: the counter must see all.
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 2));
    }
    const floodMs = Date.now() - started;
    const counted = async () => total(await metrics(), 'kemi_sip_parse_errors_total');
    for (let i = 0; i < 100 && (await counted()) < DATAGRAMS; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await counted()).toBe(DATAGRAMS);

    // The summary of the last interval comes at its end.
    const summaries = () =>
      server.process.lines.slice(before).filter((l) => l.logCause === 'unparseable' && 'suppressed' in l);
    const suppressedSum = () => summaries().reduce((n, l) => n + Number(l.suppressed), 0);
    const written = () =>
      server.process.lines.slice(before).filter((l) => l.logCause === 'unparseable' && !('suppressed' in l));
    const deadline = Date.now() + 5000 + INTERVAL_S * 1000;
    while (written().length + suppressedSum() < DATAGRAMS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));

    const lines = server.process.lines.slice(before);
    // Per interval the flood touched, at most LINES lines and one summary: nothing else was written.
    const intervals = Math.ceil(floodMs / (INTERVAL_S * 1000)) + 1;
    expect(lines.length).toBeLessThanOrEqual(intervals * (LINES + 1));
    expect(lines.length).toBeLessThan(DATAGRAMS / 50);
    expect(written().length).toBeGreaterThanOrEqual(LINES);
    expect(written()[0]).toMatchObject({
      level: 'warn',
      source: expect.stringMatching(/^udp:127\.0\.0\.1:/),
    });
    expect(summaries()[0]).toMatchObject({
      level: 'warn',
      msg: expect.stringMatching(/^suppressed \d+ lines of unparseable in the last 1 s$/),
    });
    expect(written().length + suppressedSum()).toBe(DATAGRAMS);
    console.log(
      `log flood: ${DATAGRAMS} datagrams in ${floodMs} ms, ${lines.length} log lines (${written().length} written, ${summaries().length} summaries of ${suppressedSum()} suppressed)`,
    );
    expect(total(await metrics(), 'kemi_log_lines_suppressed_total')).toBe(suppressedSum());
  });
});
