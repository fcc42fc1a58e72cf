// Logs the server writes for a tenant (issue 11): a hostile route makes the server log for it, once per KSR
// call, with values it chose: 60 calls of corex.append-branch-uri with a 60 KB value that is not a URI
// (each echoed in an error line: 3.6 MB per message before) and 50 t-relay calls its allow-list refuses.
// With the fix each line is cut, charged to the invocation's log budget, and limited per tenant and cause,
// with a count of what was left out. The route is built from source here (AssemblyScript, the project's
// SDK); the caller is a raw UDP socket; the server is stopped by PID.
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGuest } from '../../src/builder/index.ts';
import { OPERATOR_TOKEN, type RegistryServer, startRegistryServer } from './registry-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'kemi-e2e-tenant-logs-'));
const sdk = fileURLToPath(new URL('../../guest-examples/assemblyscript/sdk', import.meta.url));
const REQUESTS = 3;
const BAD_CALLS = 60;
const RELAYS = 50;
const LINES = 10;

const ROUTE = (sdkPath: string) => `import { KSR } from '${sdkPath}';

export * from '${sdkPath}/exports';

export function request_route(): void {
  const bad = 'x'.repeat(60000);
  for (let i = 0; i < ${BAD_CALLS}; i++) KSR.corex.append_branch_uri(bad);
  KSR.setdsturi('sip:192.0.2.1:5060');
  for (let i = 0; i < ${RELAYS}; i++) KSR.tm.t_relay();
  KSR.sl.sl_send_reply(200, 'Flooded');
}

export function reply_route(): void {}

export function named_route(name: string): void {}
`;

let server: RegistryServer;
let caller: Socket;
const replies: string[] = [];

beforeAll(async () => {
  const project = join(dir, 'route');
  mkdirSync(join(project, 'assembly'), { recursive: true });
  writeFileSync(join(project, 'asconfig.json'), '{ "entries": ["assembly/index.ts"] }\n');
  writeFileSync(join(project, 'assembly/index.ts'), ROUTE(relative(join(project, 'assembly'), sdk)));
  const built = await buildGuest(project, { out: join(dir, 'route.wasm') });
  if (!built.ok) throw new Error(built.error.message);
  server = await startRegistryServer(
    {
      listen: ['udp:127.0.0.1:0'],
      // No relay_allow: a configured tenant relays nowhere, so every t-relay is refused.
      // Fuel for the guest to encode 3.6 MB of arguments: the budget is not what this test is about.
      tenants: [
        { name: 'hostile', module: built.value.out, limits: { fuel: 1_000_000_000, deadline_ms: 5000 } },
      ],
      log_limit: { lines: LINES, interval_s: 2 },
    },
    dir,
  );
  caller = createSocket('udp4');
  caller.on('message', (m) => replies.push(m.toString('latin1')));
  await new Promise<void>((r) => caller.bind(0, '127.0.0.1', r));
}, 120_000);

afterAll(async () => {
  if (caller) await new Promise<void>((r) => caller.close(() => r()));
  expect(await server?.process.stop()).toBe(0);
});

async function until(test: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('logs the server writes for a tenant', () => {
  it('cuts, limits per tenant and cause, and counts the lines a hostile route makes the server write', async () => {
    const port = server.process.ports.udp!;
    const before = server.process.lines.length;
    for (let i = 0; i < REQUESTS; i++) {
      const request = [
        `OPTIONS sip:flood@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${caller.address().port};branch=z9hG4bK-flood-${i};rport`,
        'Max-Forwards: 70',
        `From: <sip:caller@127.0.0.1>;tag=f${i}`,
        `To: <sip:flood@127.0.0.1:${port}>`,
        `Call-ID: tenant-logs-${i}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      caller.send(request, port, '127.0.0.1');
      await until(() => replies.length > i, `the answer to request ${i}`);
      expect(replies[i].split('\r\n')[0]).toBe('SIP/2.0 200 Flooded');
    }
    const lines = () => server.process.lines.slice(before);
    const of = (cause: string) =>
      lines().filter((l) => l.logCause === `hostile/${cause}` || l.logCause === cause);
    const summary = (cause: string) => of(cause).find((l) => typeof l.suppressed === 'number');
    await until(
      () => summary('append-branch-uri') !== undefined && summary('relay-refused') !== undefined,
      'the suppressed-count lines',
    );

    const bytes = lines().reduce((n, l) => n + JSON.stringify(l).length, 0);
    console.log(
      `tenant logs: ${REQUESTS} hostile requests, ${lines().length} lines, ${bytes} bytes (${REQUESTS * BAD_CALLS} bad-URI calls, ${REQUESTS * RELAYS} refused relays)`,
    );
    // Before: 180 lines of 60 KB each (10.8 MB) and 150 refusal lines.
    expect(bytes).toBeLessThan(64 * 1024);
    const bad = of('append-branch-uri').filter((l) => !('suppressed' in l));
    expect(bad).toHaveLength(LINES);
    expect(bad[0]).toMatchObject({ tenant: 'hostile', ksr: 'append-branch-uri', level: 'error' });
    expect(String(bad[0].msg).length).toBeLessThan(600);
    expect(summary('append-branch-uri')).toMatchObject({
      suppressed: REQUESTS * BAD_CALLS - LINES,
      msg: `suppressed ${REQUESTS * BAD_CALLS - LINES} lines of hostile/append-branch-uri in the last 2 s`,
    });
    const refusals = of('relay-refused').filter((l) => !('suppressed' in l));
    expect(refusals).toHaveLength(LINES);
    expect(String(refusals[0].msg)).toMatch(
      /^relay refused: .*udp:192\.0\.2\.1:5060 is not allowed for tenant hostile/,
    );
    expect(Number(summary('relay-refused')!.suppressed) + LINES).toBe(REQUESTS * RELAYS);

    const res = await fetch(`${server.adminUrl}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    const text = await res.text();
    expect(text).toContain(
      `kemi_log_lines_suppressed_total{cause="hostile/append-branch-uri"} ${REQUESTS * BAD_CALLS - LINES}`,
    );
  }, 60_000);
});
